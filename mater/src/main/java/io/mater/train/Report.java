package io.mater.train;

import io.mater.engine.io.Json;
import io.mater.train.Metrics.MeanStd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Merges fold results (fold-K/result.json under one or more run folders, e.g. from separate cluster jobs)
 * into results.json (per fold and mean ± std over folds), table.md in the columns of the paper's Table 1,
 * and the summed confusion matrices.
 */
public final class Report {
    private Report() {}

    /** The fold results found in runDirs, checked for one consistent run configuration. */
    public static List<Map<String, Object>> collect(List<Path> runDirs, Map<String, Object> expectedRun) throws IOException {
        var byFold = new java.util.TreeMap<Integer, Map<String, Object>>();
        for (Path dir : runDirs) {
            if (!Files.isDirectory(dir)) throw new IOException(dir + ": not a run folder");
            Path run = dir.resolve("run.json");
            if (expectedRun != null && Files.exists(run)) {
                var other = Json.asObject(Json.read(run), run.toString());
                if (!sameSetup(expectedRun, other))
                    throw new IOException(run + ": this run was made with another dataset or configuration than " + runDirs.get(0)
                            + "\n  " + setup(expectedRun) + "\n  " + setup(other));
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.filter(p -> p.getFileName().toString().matches("fold-\\d+")).sorted().toList()) {
                    Path r = FoldTrainer.resultFile(f);
                    if (!Files.exists(r)) continue;
                    var res = Json.asObject(Json.read(r), r.toString());
                    int k = Json.asInt(res.get("fold"), r + " fold");
                    if (byFold.containsKey(k)) throw new IOException(r + ": fold " + (k + 1) + " appears twice among " + runDirs);
                    byFold.put(k, res);
                }
            }
        }
        return new ArrayList<>(byFold.values());
    }

    private static Map<String, Object> setup(Map<String, Object> run) {
        var m = new LinkedHashMap<String, Object>();
        m.put("dataset", run.get("dataset"));
        m.put("config", run.get("config"));
        return m;
    }

    static boolean sameSetup(Map<String, Object> a, Map<String, Object> b) {
        return Json.write(setup(a)).equals(Json.write(setup(b)));
    }

    /** Aggregates fold results; writes results.json and table.md into out; returns the table text. */
    @SuppressWarnings("unchecked")
    public static String write(Path out, Map<String, Object> run, List<Map<String, Object>> folds) throws IOException {
        if (folds.isEmpty()) throw new IOException("no finished folds to report (no fold-K/result.json found)");
        var metrics = new LinkedHashMap<String, List<Double>>();
        int[][][] confusion = new int[3][][];
        String[] streams = {"av", "a", "v"};
        for (var f : folds) {
            var test = (Map<String, Object>) f.get("test");
            var acc = (Map<String, Object>) test.get("accuracy");
            for (var e : acc.entrySet()) metrics.computeIfAbsent("acc_" + e.getKey(), k -> new ArrayList<>()).add(((Number) e.getValue()).doubleValue());
            var ent = (Map<String, Object>) test.get("entropy");
            for (var e : ent.entrySet()) metrics.computeIfAbsent("entropy_" + e.getKey(), k -> new ArrayList<>()).add(((Number) e.getValue()).doubleValue());
            for (String k : List.of("kl_a_v", "kl_v_a", "loss"))
                if (test.get(k) instanceof Number n) metrics.computeIfAbsent(k, kk -> new ArrayList<>()).add(n.doubleValue());
            var layer = (Map<String, Object>) test.get("layer_entropy");
            if (layer != null)
                for (var e : layer.entrySet()) {
                    var list = (List<Object>) e.getValue();
                    for (int l = 0; l < list.size(); l++)
                        metrics.computeIfAbsent("layer_entropy_" + e.getKey() + "_" + l, k -> new ArrayList<>()).add(((Number) list.get(l)).doubleValue());
                }
            var conf = (Map<String, Object>) test.get("confusion");
            for (int s = 0; s < 3; s++) {
                var m = (List<Object>) conf.get(streams[s]);
                if (m == null) continue;
                if (confusion[s] == null) confusion[s] = new int[m.size()][m.size()];
                for (int t = 0; t < m.size(); t++) {
                    var row = (List<Object>) m.get(t);
                    for (int p = 0; p < row.size(); p++) confusion[s][t][p] += ((Number) row.get(p)).intValue();
                }
            }
        }
        var summary = new LinkedHashMap<String, Object>();
        var stats = new LinkedHashMap<String, MeanStd>();
        metrics.forEach((k, v) -> {
            var ms = MeanStd.of(v.stream().mapToDouble(Double::doubleValue).toArray());
            stats.put(k, ms);
            summary.put(k, Map.of("mean", ms.mean(), "std", ms.std(), "folds", v.size()));
        });
        var totalConfusion = new LinkedHashMap<String, Object>();
        for (int s = 0; s < 3; s++) if (confusion[s] != null) totalConfusion.put(streams[s], confusion[s]);
        var results = new LinkedHashMap<String, Object>();
        results.put("run", run);
        results.put("folds_reported", folds.size());
        results.put("summary", summary);
        results.put("confusion_total", totalConfusion);
        results.put("folds", folds);
        Files.createDirectories(out);
        Json.write(out.resolve("results.json"), results);
        String table = table(run, stats, folds.size());
        TextFiles.writeAtomically(out.resolve("table.md"), table);
        return table;
    }

    /** Table 1's columns for this run: Dataset, MHSA, T, PE, A/V/AV accuracy, A/V entropy, A-V entropy difference. */
    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> run, Map<String, MeanStd> s, int folds) {
        var cfg = (Map<String, Object>) run.get("config");
        var ds = (Map<String, Object>) run.get("dataset");
        String name = String.valueOf(ds.get("name"));
        String mhsa = Boolean.parseBoolean(String.valueOf(cfg.get("attention"))) ? "yes" : "no";
        String pe = Boolean.parseBoolean(String.valueOf(cfg.get("pe"))) ? "yes" : "no";
        var sb = new StringBuilder();
        sb.append("| Dataset | MHSA | T | PE | A Acc. | V Acc. | AV Acc. | A Entropy | V Entropy | A-V Entropy Diff |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, mhsa, ds.get("windows"), pe,
                pct(s.get("acc_a")), pct(s.get("acc_v")), pct(s.get("acc_av")), num(s.get("entropy_a")), num(s.get("entropy_v")), num(s.get("entropy_a-v"))));
        sb.append(String.format(Locale.ROOT, "\nMean ± std over %d subject-disjoint folds; accuracies in %%, entropies in nats.\n", folds));
        return sb.toString();
    }

    private static String pct(MeanStd m) {
        return m == null ? "–" : m.format(100, 1);
    }

    private static String num(MeanStd m) {
        return m == null ? "–" : m.format(1, 3);
    }
}
