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
        var json = new ArrayList<Object>();
        var md = new StringBuilder("## Table 1: accuracy and prediction entropy over the grid\n\n");
        md.append("| MHSA | T | PE | A Acc. | V Acc. | AV Acc. | A Entropy | V Entropy | A-V Entropy Diff | paper AV Acc. |\n|---|---|---|---|---|---|---|---|---|---|\n");
        var csv = new Figures.Csv("mhsa", "T", "pe", "metric", "mean", "std", "folds");
        var categories = new ArrayList<String>();
        var bars = new LinkedHashMap<String, double[]>();
        for (String st : Predict.STREAMS) bars.put(Figures.streamName(st) + " accuracy (%)", new double[rows.size()]);
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
                if (acc) bars.get(Figures.streamName(k.substring(4)) + " accuracy (%)")[i] = 100 * mean;
            }
            Double paper = PaperNumbers.table1Av(kind, row.attention(), row.windows(), row.pe());
            entry.put("paper_acc_av", paper);
            json.add(entry);
            categories.add((row.attention() ? "MHSA" : "-") + " T" + row.windows() + " " + (row.pe() ? "PE" : "-"));
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s |\n", row.attention() ? "yes" : "no", row.windows(), row.pe() ? "yes" : "no",
                    String.join(" | ", cells), paper == null ? "n/t" : String.format(Locale.ROOT, "%.1f", paper)));
        }
        md.append("\nMean ± std over subject-disjoint folds (").append(s.base.folds()).append(" folds); accuracies in %, entropies in nats. ")
                .append("'paper': the paper's Table 1 (").append(PaperNumbers.NOTE).append(").\n");
        Path r = report(s);
        var out = new LinkedHashMap<String, Object>();
        out.put("dataset", s.data(s.defaultWindows()).name());
        out.put("rows", json);
        Json.write(r.resolve("table1.json"), out);
        TextFiles.writeAtomically(r.resolve("table1.md"), md.toString());
        csv.write(r.resolve("table1.csv"));
        Charts.save(Charts.bars("Table 1: accuracy per configuration", "configuration", "accuracy (%)", categories, bars), r.resolve("table1"));
        section(s, "table1", md + "\n![Table 1](table1.png)\n");
        return out;
    }

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
        md.append("\nMean over test clips and windows, mean over folds; layer 0 is the input embedding (after PE).\n\n![Fig. 4](layer-entropy.png) ![Fig. 4 diff](layer-entropy-diff.png)\n");
        section(s, "layer-entropy", md.toString());
        return stats;
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
        md.append(noiseFigures(s, "noise", results, targets(s), reps, true));
        section(s, "noise", md.toString());
        return results;
    }

    /** Figs. 7-8: retrained with noise in one modality (Algorithm 1), tested with noise in the same modality. */
    public static Map<String, double[][][][]> noiseRetrain(Study s, int reps, long seed) throws Exception {
        var rows = noisyRows(s);
        s.train(rows);
        var md = new StringBuilder("## Figs. 7-8: retrained with noisy windows (Algorithm 1), tested with noise in the same modality\n\n");
        var all = new LinkedHashMap<String, double[][][][]>();
        for (int target : targets(s)) {
            var results = new LinkedHashMap<String, double[][][][]>();
            for (var row : rows) {
                if (!row.noisy().equals(TARGETS[target])) continue;
                var acc = noiseAccuracy(s, row, new int[] {target}, reps, seed);
                results.put(row.label(), acc);
                all.put(row.label() + "/" + TARGETS[target], acc);
            }
            md.append(noiseFigures(s, "noise-retrain", results, new int[] {target}, reps, target == targets(s)[targets(s).length - 1]));
        }
        section(s, "noise-retrain", md.toString());
        return all;
    }

    private static String noiseFigures(Study s, String name, Map<String, double[][][][]> results, int[] targets, int reps, boolean footer) throws IOException {
        Path r = report(s);
        var md = new StringBuilder();
        for (int target : targets) {
            var csv = new Figures.Csv("model", "noisy", "n", "stream", "mean", "std", "repetitions");
            for (var e : results.entrySet()) {
                double[][][] acc = e.getValue()[target];
                int t = acc.length - 1;
                var series = new ArrayList<Charts.Series>();
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
                    line.append(String.format(Locale.ROOT, "%s %.1f%% → %.1f%% (n = %d)  ", Figures.streamName(Predict.STREAMS[st]), mean[0], mean[t], t));
                }
                String base = name + "-" + TARGETS[target] + "-" + e.getKey().replace(' ', '_');
                Charts.save(Charts.lines(String.format("%s: noise in %s, %s", name.equals("noise") ? "Figs. 5-6" : "Figs. 7-8", TARGETS[target], e.getKey()),
                        "noisy windows n", "accuracy (%)", Figures.range(0, t), series), r.resolve(base));
                md.append(String.format(Locale.ROOT, "- noise in **%s**, %s: %s\n\n  ![%s](%s.png)\n", TARGETS[target], e.getKey(), line, base, base));
            }
            csv.write(r.resolve(name + "-" + TARGETS[target] + ".csv"));
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
        md.append("\nMean ± std over folds.\n\n![Figs. 9-10](incremental.png)\n");
        section(s, "incremental", md.toString());
        return out;
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
            md.append("\n![").append(base).append("](").append(base).append(".png)\n\n");
        }
        csv.write(r.resolve("response-time.csv"));
        md.append("Response time = first correct t × ").append(sec).append(" s, over the clips that the full-length model classifies correctly (all folds pooled). ")
                .append(human == null ? "" : "Human figures as quoted by the paper.").append('\n');
        section(s, "response-time", md.toString());
        return out;
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
        md.append("\nPer-head maps: attention-MODALITY-LL-hH.png. Rows are query windows, columns key windows; each row sums to 1.\n");
        section(s, "attention", md.toString());
        return sums;
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
        for (String name : ORDER) {
            Path f = r.resolve(name + ".md");
            if (Files.exists(f)) sb.append(Files.readString(f)).append("\n");
        }
        TextFiles.writeAtomically(r.resolve("index.md"), sb.toString());
    }
}
