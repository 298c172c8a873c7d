package io.mater.experiment;

import io.mater.data.Dataset;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.io.Json;
import io.mater.model.Mater;
import io.mater.plot.Charts;
import io.mater.train.FoldTrainer;
import io.mater.train.Metrics.MeanStd;
import io.mater.train.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's analyses on the trained fold models of a {@link Study}; each writes its table or figures
 * (PNG, SVG and the CSV beside) and a Markdown section NAME.md into out/report/.
 */
public final class Analyses {
    private Analyses() {}

    public static final List<String> ORDER = List.of("table1", "layer-entropy", "noise", "noise-retrain", "incremental", "response-time", "attention");
    static final String[] TARGETS = {"audio", "video", "both"};

    static Path report(Study s) throws IOException {
        Path r = s.out.resolve("report");
        Files.createDirectories(r);
        return r;
    }

    /** The attention model (MHSA and PE) and the baseline (neither) at the default T. */
    public static List<Study.Row> pair(Study s) throws IOException {
        int t = s.defaultWindows();
        return List.of(new Study.Row(true, t, true), new Study.Row(false, t, false));
    }

    public static List<Study.Row> tableRows(Study s) throws IOException {
        var rows = new ArrayList<Study.Row>();
        for (boolean mhsa : new boolean[] {false, true})
            for (int t : s.tableWindows())
                for (boolean pe : new boolean[] {false, true}) rows.add(new Study.Row(mhsa, t, pe));
        return rows;
    }

    public static List<Study.Row> noisyRows(Study s) throws IOException {
        var rows = new ArrayList<Study.Row>();
        for (int t : targets(s)) for (Study.Row r : pair(s)) rows.add(new Study.Row(r.attention(), r.windows(), r.pe(), TARGETS[t]));
        return rows;
    }

    /** The noise targets (indices into TARGETS) that the study's modality has: all three for AV, else one. */
    static int[] targets(Study s) {
        return switch (s.base.model().modality()) {
            case AV -> new int[] {0, 1, 2};
            case AUDIO -> new int[] {0};
            case VIDEO -> new int[] {1};
        };
    }

    // ---------------------------------------------------------------- Table 1

    @SuppressWarnings("unchecked")
    public static Map<String, Object> table1(Study s) throws Exception {
        var rows = tableRows(s);
        s.train(rows);
        String kind = s.kind();
        boolean paperShaped = kind.equals("ravdess") || kind.equals("cremad");
        var json = new ArrayList<Object>();
        var md = new StringBuilder("## Table 1: accuracy and prediction entropy over the grid\n\n");
        md.append("| MHSA | T | PE | A Acc. | V Acc. | AV Acc. | A Entropy | V Entropy | A-V Entropy Diff |");
        if (paperShaped) md.append(" paper A / V / AV Acc. | paper A / V Entropy, Diff |");
        md.append("\n|---|---|---|---|---|---|---|---|---|").append(paperShaped ? "---|---|" : "").append('\n');
        var csv = new Figures.Csv("mhsa", "T", "pe", "metric", "mean", "std", "folds");
        var categories = new ArrayList<String>();
        var bars = new LinkedHashMap<String, double[]>();
        var errors = new LinkedHashMap<String, double[]>();
        for (String st : Predict.STREAMS) {
            bars.put(Figures.streamName(st) + " accuracy (%)", new double[rows.size()]);
            errors.put(Figures.streamName(st) + " accuracy (%)", new double[rows.size()]);
        }
        var av = new double[rows.size()];
        var gap = new double[rows.size()];
        java.util.Arrays.fill(av, Double.NaN);
        java.util.Arrays.fill(gap, Double.NaN);
        for (int i = 0; i < rows.size(); i++) {
            var row = rows.get(i);
            var res = Json.asObject(Json.read(s.rowDir(row).resolve("results.json")), "results.json");
            var sum = (Map<String, Object>) res.get("summary");
            var entry = new LinkedHashMap<String, Object>();
            entry.put("mhsa", row.attention());
            entry.put("T", row.windows());
            entry.put("pe", row.pe());
            entry.put("folds", res.get("folds_reported"));
            var cells = new ArrayList<String>();
            for (String k : List.of("acc_a", "acc_v", "acc_av", "entropy_a", "entropy_v", "entropy_a-v")) {
                var m = (Map<String, Object>) sum.get(k);
                if (m == null) {
                    cells.add("–");
                    continue;
                }
                double mean = ((Number) m.get("mean")).doubleValue(), std = ((Number) m.get("std")).doubleValue();
                entry.put(k, Map.of("mean", mean, "std", std));
                csv.row(row.attention(), row.windows(), row.pe(), k, mean, std, m.get("folds"));
                boolean acc = k.startsWith("acc");
                cells.add(new MeanStd(mean, std).format(acc ? 100 : 1, acc ? 1 : 3));
                if (acc) {
                    String name = Figures.streamName(k.substring(4)) + " accuracy (%)";
                    bars.get(name)[i] = 100 * mean;
                    errors.get(name)[i] = 100 * std;
                }
                if (k.equals("acc_av")) av[i] = 100 * mean;
                if (k.equals("entropy_a-v")) gap[i] = mean;
            }
            var paper = PaperNumbers.table1(kind, row.attention(), row.windows(), row.pe());
            if (paperShaped) entry.put("paper", paper == null ? "not transcribed" : paperJson(paper));
            json.add(entry);
            categories.add((row.attention() ? "MHSA" : "-") + " T" + row.windows() + " " + (row.pe() ? "PE" : "-"));
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s |", row.attention() ? "yes" : "no", row.windows(), row.pe() ? "yes" : "no", String.join(" | ", cells)));
            if (paperShaped) {
                var p = paper == null ? new PaperNumbers.Table1Row(null, null, null, null, null, null) : paper;
                md.append(String.format(Locale.ROOT, " %s / %s / %s | %s / %s, %s |", PaperNumbers.format(p.accA(), 1), PaperNumbers.format(p.accV(), 1),
                        PaperNumbers.format(p.accAv(), 1), PaperNumbers.format(p.entropyA(), 3), PaperNumbers.format(p.entropyV(), 3), PaperNumbers.format(p.entropyDiff(), 3)));
            }
            md.append('\n');
        }
        md.append("\nMean ± std over subject-disjoint folds (").append(s.base.folds()).append(" folds); accuracies in %, entropies in nats.");
        if (paperShaped) md.append(" 'paper': the paper's Table 1 for ").append(kind.equals("ravdess") ? "RAVDESS" : "CREMA-D").append(" (").append(PaperNumbers.NOTE).append(").");
        md.append("\n\n").append(reading(table1Reading(rows, av, gap, s.defaultWindows(), paperShaped))).append('\n');
        Path r = report(s);
        var out = new LinkedHashMap<String, Object>();
        out.put("dataset", s.data(s.defaultWindows()).name());
        out.put("kind", kind);
        out.put("rows", json);
        if (paperShaped) {
            var paper = new LinkedHashMap<String, Object>();
            paper.put("table1", PaperNumbers.TABLE1.isEmpty() ? "not transcribed" : "per row, see rows[].paper");
            paper.put("min_gain_over_baseline", PaperNumbers.MIN_GAIN_OVER_BASELINE);
            paper.put("min_gain_over_baseline_source", "abstract: 'improves the results over baseline methods by at least 5.4%'");
            out.put("paper", paper);
        }
        Json.write(r.resolve("table1.json"), out);
        TextFiles.writeAtomically(r.resolve("table1.md"), md.toString());
        csv.write(r.resolve("table1.csv"));
        Charts.save(Charts.bars("Table 1: accuracy per configuration (mean ± std over folds)", "configuration (MHSA, T, PE)", "accuracy (%)", categories, bars, errors),
                r.resolve("table1"));
        section(s, "table1", md + "\n![Table 1](table1.png)\n");
        return out;
    }

    private static Map<String, Object> paperJson(PaperNumbers.Table1Row p) {
        var m = new LinkedHashMap<String, Object>();
        m.put("acc_a", p.accA());
        m.put("acc_v", p.accV());
        m.put("acc_av", p.accAv());
        m.put("entropy_a", p.entropyA());
        m.put("entropy_v", p.entropyV());
        m.put("entropy_a-v", p.entropyDiff());
        return m;
    }

    /**
     * The reading line of Table 1: the best AV row, and the attention model against the baseline at the default
     * T (AV accuracy in %, and the A-V prediction entropy gap, NaN where absent).
     */
    static String table1Reading(List<Study.Row> rows, double[] avPercent, double[] entropyGap, int defaultT, boolean paperShaped) {
        int best = -1;
        double att = Double.NaN, base = Double.NaN, attGap = Double.NaN, baseGap = Double.NaN;
        for (int i = 0; i < rows.size(); i++) {
            var r = rows.get(i);
            if (r.windows() == defaultT && r.attention() && r.pe()) {
                att = avPercent[i];
                attGap = entropyGap[i];
            }
            if (r.windows() == defaultT && !r.attention() && !r.pe()) {
                base = avPercent[i];
                baseGap = entropyGap[i];
            }
            if (!Double.isNaN(avPercent[i]) && (best < 0 || avPercent[i] > avPercent[best])) best = i;
        }
        if (best < 0) return "no AV accuracy (the models have one modality only).";
        var sb = new StringBuilder(String.format(Locale.ROOT, "best AV accuracy %.1f%% (%s, T = %d, %s)", avPercent[best],
                rows.get(best).attention() ? "MHSA" : "no MHSA", rows.get(best).windows(), rows.get(best).pe() ? "PE" : "no PE"));
        if (!Double.isNaN(att) && !Double.isNaN(base))
            sb.append(String.format(Locale.ROOT, "; attention (MHSA + PE) vs baseline at T = %d: %.1f%% vs %.1f%% AV (%+.1f points)", defaultT, att, base, att - base));
        if (!Double.isNaN(attGap) && !Double.isNaN(baseGap))
            sb.append(String.format(Locale.ROOT, "; A-V entropy gap %.3f vs %.3f (%s with attention)", attGap, baseGap,
                    Math.abs(attGap) < Math.abs(baseGap) ? "smaller" : "not smaller"));
        if (paperShaped)
            sb.append(String.format(Locale.ROOT, ". Paper: %s per row; its abstract says attention improves over the baselines by at least %.1f%% and reduces the gap between the unimodal entropies",
                    PaperNumbers.TABLE1.isEmpty() ? "Table 1 not transcribed" : "see the paper columns", PaperNumbers.MIN_GAIN_OVER_BASELINE));
        if (paperShaped && !Double.isNaN(att) && !Double.isNaN(base))
            sb.append(String.format(Locale.ROOT, " (our AV gain is %s %.1f points)", att - base >= PaperNumbers.MIN_GAIN_OVER_BASELINE ? "at least" : "below",
                    PaperNumbers.MIN_GAIN_OVER_BASELINE));
        return sb.append('.').toString();
    }

    /** A section's one line of reading; index.md collects these lines into its summary. */
    static String reading(String text) {
        return READING + " " + text;
    }

    static final String READING = "**Reading.**";

    // ---------------------------------------------------------------- Fig. 4: layer entropy

    @SuppressWarnings("unchecked")
    public static Map<String, double[][]> layerEntropy(Study s) throws Exception {
        var rows = pair(s);
        s.train(rows);
        var csv = new Figures.Csv("model", "stream", "layer", "mean", "std", "folds");
        var stats = new LinkedHashMap<String, double[][]>(); // model/stream -> [mean[], std[]]
        var series = new ArrayList<Charts.Series>();
        var diff = new ArrayList<Charts.Series>();
        double[] x = null;
        for (var row : rows) {
            String model = row.label();
            var perStream = new LinkedHashMap<String, List<double[]>>();
            for (var f : s.folds(row.windows())) {
                var res = Json.asObject(Json.read(FoldTrainer.resultFile(s.foldDir(row, f.index()))), "result.json");
                var le = (Map<String, Object>) ((Map<String, Object>) res.get("test")).get("layer_entropy");
                if (le == null) throw new IOException(s.foldDir(row, f.index()) + ": result.json has no layer_entropy");
                for (var e : le.entrySet()) {
                    var list = (List<Object>) e.getValue();
                    double[] v = new double[list.size()];
                    for (int i = 0; i < v.length; i++) v[i] = ((Number) list.get(i)).doubleValue();
                    perStream.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(v);
                }
            }
            if (perStream.containsKey("a") && perStream.containsKey("v")) {
                var d = new ArrayList<double[]>();
                for (int i = 0; i < perStream.get("a").size(); i++) {
                    double[] a = perStream.get("a").get(i), v = perStream.get("v").get(i), dv = new double[a.length];
                    for (int l = 0; l < a.length; l++) dv[l] = a[l] - v[l];
                    d.add(dv);
                }
                perStream.put("a-v", d);
            }
            for (var e : perStream.entrySet()) {
                int layers = e.getValue().get(0).length;
                double[] mean = new double[layers], std = new double[layers];
                for (int l = 0; l < layers; l++) {
                    double[] col = new double[e.getValue().size()];
                    for (int i = 0; i < col.length; i++) col[i] = e.getValue().get(i)[l];
                    var ms = MeanStd.of(col);
                    mean[l] = ms.mean();
                    std[l] = ms.std();
                    csv.row(model, e.getKey(), l, ms.mean(), ms.std(), col.length);
                }
                stats.put(model + "/" + e.getKey(), new double[][] {mean, std});
                x = Figures.range(0, layers - 1);
                if (e.getKey().equals("a-v")) diff.add(new Charts.Series("A-V " + model, mean, std, model.equals("baseline"), Charts.OTHER));
                else series.add(Figures.series(e.getKey(), model, mean, std));
            }
        }
        Path r = report(s);
        csv.write(r.resolve("layer-entropy.csv"));
        Charts.save(Charts.lines("Fig. 4: entropy of the hidden state per encoder layer", "layer (0 = input)", "entropy (nats)", x, series), r.resolve("layer-entropy"));
        Charts.save(Charts.lines("Fig. 4: A-V entropy difference per layer", "layer (0 = input)", "A - V entropy (nats)", x, diff), r.resolve("layer-entropy-diff"));
        var md = new StringBuilder("## Fig. 4: entropy of the softmax-normalised hidden state after each layer (Eq. 6)\n\n| model | stream | ");
        int layers = x.length;
        for (int l = 0; l < layers; l++) md.append("L").append(l).append(" | ");
        md.append("\n|---|---|").append("---|".repeat(layers)).append('\n');
        stats.forEach((k, v) -> {
            md.append("| ").append(k.replace("/", " | ")).append(" | ");
            for (int l = 0; l < layers; l++) md.append(String.format(Locale.ROOT, "%.4f | ", v[0][l]));
            md.append('\n');
        });
        md.append("\nMean over test clips and windows, mean over folds; layer 0 is the input embedding (after PE).\n\n")
                .append(reading(layerEntropyReading(stats, layers))).append("\n\n![Fig. 4](layer-entropy.png) ![Fig. 4 diff](layer-entropy-diff.png)\n");
        section(s, "layer-entropy", md.toString());
        return stats;
    }

    /** The reading line of Fig. 4: the A-V gap at the input and after the last layer, attention against baseline. */
    static String layerEntropyReading(Map<String, double[][]> stats, int layers) {
        var parts = new ArrayList<String>();
        for (String model : List.of("attention", "baseline")) {
            double[][] d = stats.get(model + "/a-v");
            if (d != null)
                parts.add(String.format(Locale.ROOT, "%s %+.4f at layer 0, %+.4f after layer %d", model, d[0][0], d[0][layers - 1], layers - 1));
        }
        if (parts.isEmpty()) return "one modality only: no A-V entropy gap.";
        var sb = new StringBuilder("A-V hidden-state entropy gap: ").append(String.join("; ", parts));
        double[][] a = stats.get("attention/a-v"), b = stats.get("baseline/a-v");
        if (a != null && b != null)
            sb.append(Math.abs(a[0][layers - 1]) < Math.abs(b[0][layers - 1]) ? " (smaller with attention)" : " (not smaller with attention)");
        return sb.append(". Paper: ").append(PaperNumbers.ENTROPY_CLAIM).append("; Fig. 4 values not transcribed.").toString();
    }

    // ---------------------------------------------------------------- Figs. 5-8: noise

    /**
     * Accuracy under test-time noise: acc[target][n][rep][stream] pooled over the folds, n = 0 .. T
     * (n = 0 clean); targets restricts the noisy modalities evaluated (indices into TARGETS).
     */
    static double[][][][] noiseAccuracy(Study s, Study.Row row, int[] targets, int reps, long seed) throws IOException {
        Dataset d = s.data(row.windows());
        int t = d.windows();
        long[][][][] correct = new long[TARGETS.length][t + 1][reps][3];
        long total = 0;
        for (var fold : s.folds(row.windows())) {
            Mater model = s.model(row, fold.index());
            checkModality(model, d, row);
            Dataset test = d.subset(fold.test());
            var stats = s.noiseStatsFor(d, fold);
            int c = model.config.classes();
            float[] cleanA = Predict.branch(model.audio(), test.audio()), cleanV = Predict.branch(model.video(), test.video());
            total += test.size();
            for (int target : targets) {
                boolean na = target != 1, nv = target != 0;
                for (int n = 0; n <= t; n++) {
                    for (int rep = 0; rep < reps; rep++) {
                        if (n == 0 && rep > 0) {
                            correct[target][0][rep] = correct[target][0][0];
                            continue;
                        }
                        var rng = new Rng(Noise.seed(seed, fold.index(), target, n, rep));
                        float[] a = cleanA, v = cleanV;
                        if (n > 0 && na && model.audio() != null) a = Predict.branch(model.audio(), Noise.replace(test.audio(), n, stats[0], rng));
                        if (n > 0 && nv && model.video() != null) v = Predict.branch(model.video(), Noise.replace(test.video(), n, stats[1], rng));
                        float[][] logits = {a, v, Predict.fuse(a, v)};
                        for (int st = 0; st < 3; st++)
                            if (logits[st] != null) correct[target][n][rep][st] += Predict.correct(Predict.argmax(logits[st], c), test.labels());
                    }
                }
            }
        }
        double[][][][] acc = new double[TARGETS.length][t + 1][reps][3];
        for (int a = 0; a < TARGETS.length; a++)
            for (int n = 0; n <= t; n++)
                for (int r = 0; r < reps; r++)
                    for (int st = 0; st < 3; st++) acc[a][n][r][st] = (double) correct[a][n][r][st] / total;
        return acc;
    }

    static void checkModality(Mater model, Dataset d, Study.Row row) {
        var m = model.config.modality();
        if (m.hasAudio() && !d.hasAudio()) throw new IllegalArgumentException("row " + row.name() + ": the model has an audio branch but dataset '" + d.name() + "' has no audio");
        if (m.hasVideo() && !d.hasVideo()) throw new IllegalArgumentException("row " + row.name() + ": the model has a video branch but dataset '" + d.name() + "' has no video");
    }

    /** Figs. 5-6: models trained on clean data, noise at test time in audio, video or both. */
    public static Map<String, double[][][][]> noise(Study s, int reps, long seed) throws Exception {
        var rows = pair(s);
        s.train(rows);
        var results = new LinkedHashMap<String, double[][][][]>();
        for (var row : rows) results.put(row.label(), noiseAccuracy(s, row, targets(s), reps, seed));
        var md = new StringBuilder("## Figs. 5-6: test-time noise in audio, video or both (models trained on clean data)\n\n");
        var reading = new ArrayList<String>();
        md.append(noiseFigures(s, "noise", results, targets(s), reps, true, reading));
        md.append('\n').append(reading(String.join("; ", reading) + ". Paper: the values of Figs. 5-6 are not transcribed.")).append('\n');
        section(s, "noise", md.toString());
        return results;
    }

    /** Figs. 7-8: retrained with noise in one modality (Algorithm 1), tested with noise in the same modality. */
    public static Map<String, double[][][][]> noiseRetrain(Study s, int reps, long seed) throws Exception {
        var rows = noisyRows(s);
        s.train(rows);
        var md = new StringBuilder("## Figs. 7-8: retrained with noisy windows (Algorithm 1), tested with noise in the same modality\n\n");
        var reading = new ArrayList<String>();
        var all = new LinkedHashMap<String, double[][][][]>();
        for (int target : targets(s)) {
            var results = new LinkedHashMap<String, double[][][][]>();
            for (var row : rows) {
                if (!row.noisy().equals(TARGETS[target])) continue;
                var acc = noiseAccuracy(s, row, new int[] {target}, reps, seed);
                results.put(row.label(), acc);
                all.put(row.label() + "/" + TARGETS[target], acc);
            }
            md.append(noiseFigures(s, "noise-retrain", results, new int[] {target}, reps, target == targets(s)[targets(s).length - 1], reading));
        }
        md.append('\n').append(reading("retrained with noise (Algorithm 1), " + String.join("; ", reading) + ". Paper: the values of Figs. 7-8 are not transcribed.")).append('\n');
        section(s, "noise-retrain", md.toString());
        return all;
    }

    /**
     * One panel per noisy modality (NAME-TARGET.png, its CSV NAME-TARGET.csv beside it) with every model of
     * results overlaid as in the paper: A, V, AV in their colours, the attention model solid, the baseline
     * dashed, error bars the std over the repetitions. Adds one reading phrase per target to reading.
     */
    private static String noiseFigures(Study s, String name, Map<String, double[][][][]> results, int[] targets, int reps, boolean footer, List<String> reading)
            throws IOException {
        Path r = report(s);
        var md = new StringBuilder();
        for (int target : targets) {
            var csv = new Figures.Csv("model", "noisy", "n", "stream", "mean", "std", "repetitions");
            var series = new ArrayList<Charts.Series>();
            var lines = new StringBuilder();
            var avEnd = new LinkedHashMap<String, double[]>(); // model -> {clean, all T noisy} of the last stream present (AV for AV models)
            int t = 0;
            for (var e : results.entrySet()) {
                double[][][] acc = e.getValue()[target];
                t = acc.length - 1;
                var line = new StringBuilder();
                for (int st = 0; st < 3; st++) {
                    double[] mean = new double[t + 1], std = new double[t + 1];
                    boolean present = false;
                    for (int n = 0; n <= t; n++) {
                        double[] v = new double[reps];
                        for (int rep = 0; rep < reps; rep++) v[rep] = 100 * acc[n][rep][st];
                        var ms = MeanStd.of(v);
                        mean[n] = ms.mean();
                        std[n] = ms.std();
                        present |= ms.mean() > 0;
                        csv.row(e.getKey(), TARGETS[target], n, Predict.STREAMS[st], ms.mean(), ms.std(), reps);
                    }
                    if (!present) continue;
                    series.add(Figures.series(Predict.STREAMS[st], e.getKey(), mean, std));
                    line.append(String.format(Locale.ROOT, "%s %.1f%% → %.1f%%  ", Figures.streamName(Predict.STREAMS[st]), mean[0], mean[t]));
                    avEnd.put(e.getKey(), new double[] {mean[0], mean[t], st});
                }
                lines.append(String.format(Locale.ROOT, "  - %s: %s(n = 0 → %d)\n", e.getKey(), line, t));
            }
            String base = name + "-" + TARGETS[target];
            Charts.save(Charts.lines(String.format("%s: noise in %s, attention (solid) vs baseline (dashed)", name.equals("noise") ? "Figs. 5-6" : "Figs. 7-8",
                    TARGETS[target]), "noisy windows n (of T = " + t + ")", "accuracy (%)", Figures.range(0, t), series), r.resolve(base));
            csv.write(r.resolve(base + ".csv"));
            md.append(String.format(Locale.ROOT, "- noise in **%s** ([csv](%s.csv)):\n%s\n  ![%s](%s.png)\n", TARGETS[target], base, lines, base, base));
            var phrase = new StringBuilder("noise in " + TARGETS[target] + ", all " + t + " windows: ");
            var parts = new ArrayList<String>();
            avEnd.forEach((model, v) -> parts.add(String.format(Locale.ROOT, "%s %s %.1f%% (clean %.1f%%)", model, Figures.streamName(Predict.STREAMS[(int) v[2]]), v[1], v[0])));
            reading.add(phrase.append(String.join(" vs ", parts)).toString());
        }
        if (footer) md.append(String.format(Locale.ROOT, "\nMean ± std over %d repetitions (accuracy pooled over the folds); noise %s.\n", reps,
                s.noiseOverride == null ? "with the mean and std of the fold's training embeddings" : "N(" + s.noiseOverride.mean() + ", " + s.noiseOverride.std() + "²)"));
        return md.toString();
    }

    // ---------------------------------------------------------------- Figs. 9-11: incremental perception, response time

    /** pred[t-1][stream][clip] for prefixes t = 1..T of the fold's test clips, in fold order (clips concatenated). */
    static int[][][] incrementalPredictions(Study s, Study.Row row, List<int[]> labelsOut, List<int[]> foldSizes) throws IOException {
        Dataset d = s.data(row.windows());
        int t = d.windows();
        var folds = s.folds(row.windows());
        int total = 0;
        for (var f : folds) total += f.test().length;
        int[][][] pred = new int[t][3][total];
        int[] labels = new int[total], sizes = new int[folds.size()];
        int at = 0;
        for (var f : folds) {
            Mater model = s.model(row, f.index());
            checkModality(model, d, row);
            Dataset test = d.subset(f.test());
            sizes[f.index()] = test.size();
            System.arraycopy(test.labels(), 0, labels, at, test.size());
            for (int k = 1; k <= t; k++) {
                Dataset prefix = test.firstWindows(k);
                int[][] p = Predict.streams(model, prefix.audio(), prefix.video());
                for (int st = 0; st < 3; st++) if (p[st] != null) System.arraycopy(p[st], 0, pred[k - 1][st], at, test.size());
                    else java.util.Arrays.fill(pred[k - 1][st], at, at + test.size(), -1);
            }
            at += test.size();
        }
        labelsOut.add(labels);
        foldSizes.add(sizes);
        return pred;
    }

    /** Figs. 9-10: accuracy with only the first t windows. Returns model -> [stream][t-1] -> {mean, std over folds}. */
    public static Map<String, double[][][]> incremental(Study s) throws Exception {
        var rows = pair(s);
        s.train(rows);
        var out = new LinkedHashMap<String, double[][][]>();
        var csv = new Figures.Csv("model", "t", "seconds", "stream", "mean", "std", "folds");
        var series = new ArrayList<Charts.Series>();
        int t = 0;
        double sec = s.data(rows.get(0).windows()).windowSeconds();
        var md = new StringBuilder("## Figs. 9-10: incremental perception (only the first t windows)\n\n");
        for (var row : rows) {
            var labels = new ArrayList<int[]>();
            var sizes = new ArrayList<int[]>();
            int[][][] pred = incrementalPredictions(s, row, labels, sizes);
            t = pred.length;
            double[][][] stats = new double[3][t][2];
            for (int st = 0; st < 3; st++) {
                if (pred[0][st][0] < 0) continue;
                double[] mean = new double[t], std = new double[t];
                for (int k = 0; k < t; k++) {
                    double[] perFold = foldAccuracies(pred[k][st], labels.get(0), sizes.get(0));
                    var ms = MeanStd.of(perFold);
                    stats[st][k] = new double[] {ms.mean(), ms.std()};
                    mean[k] = 100 * ms.mean();
                    std[k] = 100 * ms.std();
                    csv.row(row.label(), k + 1, (k + 1) * sec, Predict.STREAMS[st], ms.mean(), ms.std(), perFold.length);
                }
                series.add(Figures.series(Predict.STREAMS[st], row.label(), mean, std));
                md.append(String.format(Locale.ROOT, "- %s %s: %.1f%% at t = 1 (%.2f s), %.1f%% at t = %d (%.2f s)\n", row.label(), Figures.streamName(Predict.STREAMS[st]),
                        mean[0], sec, mean[t - 1], t, t * sec));
            }
            out.put(row.label(), stats);
        }
        Path r = report(s);
        csv.write(r.resolve("incremental.csv"));
        Charts.save(Charts.lines("Figs. 9-10: accuracy from the first t windows", "windows seen t (" + sec + " s each)", "accuracy (%)", Figures.range(1, t), series),
                r.resolve("incremental"));
        md.append("\nMean ± std over folds.\n\n").append(reading(incrementalReading(out, sec))).append("\n\n![Figs. 9-10](incremental.png)\n");
        section(s, "incremental", md.toString());
        return out;
    }

    /** The reading line of Figs. 9-10: per model, the first t at which AV (else the stream present) reaches 95% of its full-length accuracy. */
    static String incrementalReading(Map<String, double[][][]> stats, double sec) {
        var parts = new ArrayList<String>();
        stats.forEach((model, st) -> {
            for (int stream = 2; stream >= 0; stream--) {
                double[][] m = st[stream];
                int t = m.length;
                if (t == 0 || (m[t - 1][0] == 0 && m[0][0] == 0)) continue;
                int k = firstReaching(m, 0.95 * m[t - 1][0]);
                parts.add(String.format(Locale.ROOT, "%s %s %.1f%% at t = 1, %.1f%% at t = %d, 95%% of it from t = %d (%.2f s)", model, Figures.streamName(Predict.STREAMS[stream]),
                        100 * m[0][0], 100 * m[t - 1][0], t, k, k * sec));
                break;
            }
        });
        return String.join("; ", parts) + ". Paper: the values of Figs. 9-10 are not transcribed.";
    }

    /** The first t (1-based) whose mean (column 0 of stats[t-1]) is at least level; stats.length when none is. */
    static int firstReaching(double[][] stats, double level) {
        for (int k = 0; k < stats.length; k++) if (stats[k][0] >= level) return k + 1;
        return stats.length;
    }

    static double[] foldAccuracies(int[] pred, int[] labels, int[] sizes) {
        double[] acc = new double[sizes.length];
        int at = 0;
        for (int f = 0; f < sizes.length; f++) {
            int ok = 0;
            for (int i = at; i < at + sizes[f]; i++) if (pred[i] == labels[i]) ok++;
            acc[f] = sizes[f] == 0 ? Double.NaN : (double) ok / sizes[f];
            at += sizes[f];
        }
        return acc;
    }

    /**
     * For each clip whose full-length prediction (t = T, last row of predByT) is correct, the first t
     * (1-based) at which its prediction is correct; 0 for clips wrong at t = T. predByT [T][clips].
     */
    public static int[] firstCorrect(int[][] predByT, int[] labels) {
        int t = predByT.length;
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (predByT[t - 1][i] != labels[i]) continue;
            for (int k = 0; k < t; k++)
                if (predByT[k][i] == labels[i]) {
                    out[i] = k + 1;
                    break;
                }
        }
        return out;
    }

    /** Fraction of the correctly classified clips whose first correct window is t, for t = 1..T. */
    public static double[] histogram(int[] first, int t) {
        double[] h = new double[t];
        int n = 0;
        for (int f : first) if (f > 0) {
            h[f - 1]++;
            n++;
        }
        for (int k = 0; k < t; k++) h[k] = n == 0 ? 0 : h[k] / n;
        return h;
    }

    /** Mean response time in seconds: mean first-correct window times the window length (NaN when none). */
    public static double meanResponseSeconds(int[] first, double windowSeconds) {
        double s = 0;
        int n = 0;
        for (int f : first) if (f > 0) {
            s += f * windowSeconds;
            n++;
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Fig. 11: response time of the attention model (and the baseline) per stream, beside the humans'. */
    public static Map<String, double[]> responseTime(Study s) throws Exception {
        var rows = pair(s);
        s.train(rows);
        String kind = s.kind();
        double[] human = PaperNumbers.humanResponseSeconds(kind);
        double sec = s.data(rows.get(0).windows()).windowSeconds();
        var md = new StringBuilder("## Fig. 11: response time (first window at which the prediction is correct)\n\n| model | stream | clips | mean response (s) | human (s) |\n|---|---|---|---|---|\n");
        var images = new StringBuilder();
        var csv = new Figures.Csv("model", "stream", "t", "ratio", "fraction");
        var out = new LinkedHashMap<String, double[]>();
        Path r = report(s);
        for (var row : rows) {
            var labels = new ArrayList<int[]>();
            var sizes = new ArrayList<int[]>();
            int[][][] pred = incrementalPredictions(s, row, labels, sizes);
            int t = pred.length;
            var categories = new ArrayList<String>();
            for (int k = 1; k <= t; k++) categories.add(k + "/" + t);
            var bars = new LinkedHashMap<String, double[]>();
            double[] means = new double[3];
            for (int st = 0; st < 3; st++) {
                if (pred[0][st][0] < 0) {
                    means[st] = Double.NaN;
                    continue;
                }
                int[][] byT = new int[t][];
                for (int k = 0; k < t; k++) byT[k] = pred[k][st];
                int[] first = firstCorrect(byT, labels.get(0));
                double[] h = histogram(first, t);
                int n = 0;
                for (int f : first) if (f > 0) n++;
                for (int k = 0; k < t; k++) csv.row(row.label(), Predict.STREAMS[st], k + 1, (k + 1.0) / t, h[k]);
                double[] pct = new double[t];
                for (int k = 0; k < t; k++) pct[k] = 100 * h[k];
                bars.put(Figures.streamName(Predict.STREAMS[st]), pct);
                means[st] = meanResponseSeconds(first, sec);
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %s |\n", row.label(), Figures.streamName(Predict.STREAMS[st]), n, means[st],
                        human == null ? "–" : String.format(Locale.ROOT, "%.2f", human[st])));
            }
            out.put(row.label(), means);
            String base = "response-time-" + row.label().replace(' ', '_');
            Charts.save(Charts.bars("Fig. 11: first correct window, " + row.label(), "first correct window (ratio of T = " + t + ")", "clips (%)", categories, bars),
                    r.resolve(base));
            images.append("![").append(base).append("](").append(base).append(".png)\n");
        }
        csv.write(r.resolve("response-time.csv"));
        md.append("\nResponse time = first correct t × ").append(sec).append(" s, over the clips that the full-length model classifies correctly (all folds pooled). ")
                .append(human == null ? "" : "Human figures as the paper quotes them (Section 6.2; see PaperNumbers.java).").append("\n\n")
                .append(reading(responseReading(out, human))).append("\n\n").append(images);
        section(s, "response-time", md.toString());
        return out;
    }

    /** The reading line of Fig. 11: mean response times of each model per stream, beside the humans' when known. */
    static String responseReading(Map<String, double[]> means, double[] human) {
        var parts = new ArrayList<String>();
        means.forEach((model, m) -> {
            var v = new ArrayList<String>();
            for (int st = 0; st < 3; st++) if (!Double.isNaN(m[st])) v.add(String.format(Locale.ROOT, "%s %.2f s", Figures.streamName(Predict.STREAMS[st]), m[st]));
            if (!v.isEmpty()) parts.add(model + " " + String.join(", ", v));
        });
        var sb = new StringBuilder(parts.isEmpty() ? "no clip classified correctly" : "mean response " + String.join("; ", parts));
        if (human == null) return sb.append(" (no human figures for this data: neither RAVDESS- nor CREMA-D-shaped).").toString();
        sb.append(String.format(Locale.ROOT, "; humans (paper, Section 6.2) A %.2f s, V %.2f s, AV %.2f s", human[0], human[1], human[2]));
        double[] att = means.get("attention");
        if (att != null && !Double.isNaN(att[2]))
            sb.append(att[2] <= human[2] ? "; the attention model's AV answer comes no later than the humans'" : "; the attention model's AV answer comes later than the humans'");
        return sb.append('.').toString();
    }

    // ---------------------------------------------------------------- attention maps

    /**
     * Self-attention weights of the attention model over all folds' test clips: per modality and layer,
     * the [T, T] map of each head averaged over clips, and per class the attention each window receives
     * (averaged over heads and queries). clipId, when given, draws that clip's maps instead of the averages.
     * Returns modality -> layer -> head -> [T][T].
     */
    public static Map<String, double[][][][]> attention(Study s, String clipId) throws Exception {
        var row = pair(s).get(0);
        s.train(List.of(row));
        Dataset d = s.data(row.windows());
        int t = d.windows(), classes = d.classes().size();
        var sums = new LinkedHashMap<String, double[][][][]>();
        var perClass = new LinkedHashMap<String, double[][]>();
        int[] classCount = new int[classes];
        int clips = 0;
        boolean found = false;
        for (var f : s.folds(row.windows())) {
            int[] idx = f.test();
            if (clipId != null) {
                int at = d.clipIds().indexOf(clipId);
                if (at < 0) throw new IllegalArgumentException("--clip " + clipId + ": no such clip in dataset '" + d.name() + "'");
                if (java.util.Arrays.stream(idx).noneMatch(i -> i == at)) continue;
                idx = new int[] {at};
                found = true;
            }
            Mater model = s.model(row, f.index());
            checkModality(model, d, row);
            Dataset test = d.subset(idx);
            clips += test.size();
            for (int l : test.labels()) classCount[l]++;
            for (String m : new String[] {"audio", "video"}) {
                var branch = m.equals("audio") ? model.audio() : model.video();
                if (branch == null) continue;
                Tensor x = m.equals("audio") ? test.audio() : test.video();
                var w = Predict.weights(branch, x);
                int layers = w.size(), heads = model.config.heads();
                var acc = sums.computeIfAbsent(m, k -> new double[layers][heads][t][t]);
                var cls = perClass.computeIfAbsent(m + "", k -> new double[layers * classes][t]);
                for (int l = 0; l < layers; l++) {
                    float[] wd = w.get(l).contiguous().toArray();
                    for (int b = 0; b < test.size(); b++)
                        for (int h = 0; h < heads; h++)
                            for (int q = 0; q < t; q++)
                                for (int k = 0; k < t; k++) {
                                    double v = wd[((b * heads + h) * t + q) * t + k];
                                    acc[l][h][q][k] += v;
                                    cls[l * classes + test.labels()[b]][k] += v / (heads * t);
                                }
                }
            }
        }
        if (clipId != null && !found) throw new IllegalArgumentException("--clip " + clipId + " is in no fold's test set");
        Path r = report(s);
        var csv = new Figures.Csv("modality", "layer", "head", "query", "key", "weight");
        var clsCsv = new Figures.Csv("modality", "layer", "class", "window", "attention_received");
        var md = new StringBuilder("## Self-attention over time windows (" + (clipId == null ? "mean over " + clips + " test clips" : "clip " + clipId) + ")\n\n");
        var winLabels = new ArrayList<String>();
        for (int k = 1; k <= t; k++) winLabels.add(Integer.toString(k));
        for (var e : sums.entrySet()) {
            String m = e.getKey();
            double[][][][] acc = e.getValue();
            for (int l = 0; l < acc.length; l++) {
                double[][] mean = new double[t][t];
                for (int h = 0; h < acc[l].length; h++)
                    for (int q = 0; q < t; q++)
                        for (int k = 0; k < t; k++) {
                            acc[l][h][q][k] /= clips;
                            mean[q][k] += acc[l][h][q][k] / acc[l].length;
                            csv.row(m, l + 1, h + 1, q + 1, k + 1, acc[l][h][q][k]);
                        }
                for (int h = 0; h < acc[l].length; h++)
                    Charts.save(Figures.heatmap(m + " layer " + (l + 1) + " head " + (h + 1), "key window", "query window", winLabels, winLabels, acc[l][h]),
                            r.resolve("attention-" + m + "-L" + (l + 1) + "-h" + (h + 1)));
                String base = "attention-" + m + "-L" + (l + 1);
                Charts.save(Figures.heatmap(m + " layer " + (l + 1) + ", mean over heads", "key window", "query window", winLabels, winLabels, mean), r.resolve(base));
                double[][] cls = new double[classes][t];
                for (int c = 0; c < classes; c++)
                    for (int k = 0; k < t; k++) {
                        cls[c][k] = classCount[c] == 0 ? 0 : perClass.get(m)[l * classes + c][k] / classCount[c];
                        clsCsv.row(m, l + 1, d.classes().get(c), k + 1, cls[c][k]);
                    }
                Charts.save(Figures.heatmap(m + " layer " + (l + 1) + ": attention received per window, by class", "window", "class", winLabels, d.classes(), cls),
                        r.resolve(base + "-classes"));
                md.append(String.format("- %s, layer %d: ![%s](%s.png) ![%s by class](%s-classes.png)\n", m, l + 1, base, base, base, base));
            }
        }
        csv.write(r.resolve("attention.csv"));
        clsCsv.write(r.resolve("attention-classes.csv"));
        md.append("\nPer-head maps: attention-MODALITY-LL-hH.png. Rows are query windows, columns key windows; each row sums to 1.\n\n")
                .append(reading(attentionReading(sums))).append('\n');
        section(s, "attention", md.toString());
        return sums;
    }

    /** The reading line of the attention maps: per modality, the key window that receives the most attention in the last layer. */
    static String attentionReading(Map<String, double[][][][]> sums) {
        var parts = new ArrayList<String>();
        sums.forEach((m, acc) -> {
            double[][][] last = acc[acc.length - 1];
            int t = last[0].length;
            double[] received = new double[t];
            for (double[][] head : last)
                for (double[] q : head)
                    for (int k = 0; k < t; k++) received[k] += q[k] / (last.length * t);
            int best = 0;
            for (int k = 1; k < t; k++) if (received[k] > received[best]) best = k;
            parts.add(String.format(Locale.ROOT, "%s window %d of %d (%.2f of the attention, uniform %.2f)", m, best + 1, t, received[best], 1.0 / t));
        });
        return "most attended window in the last layer: " + String.join("; ", parts) + ". The paper shows no attention maps.";
    }

    // ---------------------------------------------------------------- report

    static void section(Study s, String name, String markdown) throws IOException {
        TextFiles.writeAtomically(report(s).resolve(name + ".md"), markdown);
        index(s);
    }

    /** report/index.md: every section present, in the paper's order. */
    public static void index(Study s) throws IOException {
        Path r = report(s);
        var sb = new StringBuilder("# MATER experiments: " + s.data(s.defaultWindows()).name() + "\n\n");
        sb.append(String.format(Locale.ROOT, "Preset: %d layers, %d heads, ff %d, %d epochs, lr %g, %d folds, seed %d.\n\n", s.base.model().layers(),
                s.base.model().heads(), s.base.model().ff(), s.base.epochs(), s.base.lr(), s.base.folds(), s.base.seed()));
        var summary = new StringBuilder();
        var body = new StringBuilder();
        for (String name : ORDER) {
            Path f = r.resolve(name + ".md");
            if (!Files.exists(f)) continue;
            String text = Files.readString(f);
            body.append(text).append("\n");
            for (String line : text.split("\n"))
                if (line.startsWith(READING)) summary.append("- [").append(name).append("](#").append(anchor(text)).append("): ").append(line.substring(READING.length()).trim()).append('\n');
        }
        if (!summary.isEmpty()) sb.append("## Reading, one line per section\n\n").append(summary).append('\n');
        sb.append(body);
        TextFiles.writeAtomically(r.resolve("index.md"), sb.toString());
    }

    /** The GitHub-style anchor of a section's first heading ("## Table 1: accuracy ..." -> "table-1-accuracy-..."). */
    static String anchor(String markdown) {
        String h = markdown.lines().filter(l -> l.startsWith("#")).findFirst().orElse("").replaceFirst("^#+\\s*", "");
        return h.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }
}
