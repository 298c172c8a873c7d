package io.mater.experiment;

import io.mater.data.Dataset;
import io.mater.data.EmbeddingStore;
import io.mater.data.Folds;
import io.mater.data.Synthetic;
import io.mater.engine.Parallel;
import io.mater.engine.io.Json;
import io.mater.model.ModelFile;
import io.mater.model.MaterConfig;
import io.mater.train.FoldTrainer;
import io.mater.train.Progress;
import io.mater.train.Report;
import io.mater.train.TrainConfig;
import io.mater.train.TrainRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * One study on one dataset: where the data comes from, the training preset, the output folder, and the
 * trained fold models of every (row, fold) job. A row is one model configuration (MHSA, T, PE, and for
 * noisy retraining the noisy modality). Layout under out:
 * <pre>
 *   train/ROW/run.json, train/ROW/fold-K/...   a local run (the same files as 'mater train')
 *   train/ROW/job-K/run.json, .../fold-K/      one cluster job each (merged by 'experiment report')
 *   report/                                      tables, figures with CSV beside, index.md
 * </pre>
 * Jobs whose fold-K/result.json exists (here or in a --run folder of the same configuration) are reused.
 */
public final class Study {
    /** Where the embeddings come from: a synthetic preset (with the seed of 'mater train') or stores. */
    public record Source(String synthetic, List<Path> stores, long seed) {
        public Source {
            stores = stores == null ? List.of() : List.copyOf(stores);
            if ((synthetic == null) == stores.isEmpty()) throw new IllegalArgumentException("give either a synthetic preset or embedding stores");
        }
    }

    /** A model configuration of the study; noisy is null for clean training, else audio, video or both. */
    public record Row(boolean attention, int windows, boolean pe, String noisy) {
        public Row(boolean attention, int windows, boolean pe) {
            this(attention, windows, pe, null);
        }

        public String name() {
            return (noisy == null ? "" : "noisy-" + noisy + "-") + (attention ? "mhsa" : "nomhsa") + "-T" + windows + "-" + (pe ? "pe" : "nope");
        }

        /** The paper's attention model (MHSA and PE) or its baseline (neither). */
        public String label() {
            return attention && pe ? "attention" : !attention && !pe ? "baseline" : (attention ? "MHSA" : "no MHSA") + (pe ? " + PE" : ", no PE");
        }
    }

    /** One (row, fold) training job. */
    public record Job(Row row, int fold) {
        public String name() {
            return row.name() + "/fold-" + (fold + 1);
        }
    }

    public final Source source;
    public final TrainConfig base;
    public final Path out;
    public final int jobs;
    public final List<Path> reuse;
    public final Progress progress;
    public final Noise.Stats noiseOverride; // null: matched to the training embeddings
    private final Map<Integer, Dataset> cache = new HashMap<>();

    public Study(Source source, TrainConfig base, Path out, int jobs, List<Path> reuse, Noise.Stats noiseOverride, Progress progress) {
        if (jobs < 1) throw new IllegalArgumentException("--jobs must be >= 1, got " + jobs);
        this.source = source;
        this.base = base;
        this.out = out;
        this.jobs = jobs;
        this.reuse = reuse == null ? List.of() : List.copyOf(reuse);
        this.noiseOverride = noiseOverride;
        this.progress = progress;
    }

    // ---- data

    /** The data cut into T windows: synthetic sets are regenerated exactly as 'mater train --windows T' does. */
    public synchronized Dataset data(int windows) throws IOException {
        var d = cache.get(windows);
        if (d != null) return d;
        if (source.synthetic() != null) {
            var p = Synthetic.Preset.parse(source.synthetic());
            d = Synthetic.generate(p, source.seed() + 12345, windows, p.defaultWindowSeconds * p.defaultWindows / windows, Synthetic.Params.defaults());
        } else {
            d = null;
            var seen = new ArrayList<String>();
            for (Path s : source.stores()) {
                var st = EmbeddingStore.read(s);
                seen.add(s + " (T = " + st.windows() + ")");
                if (st.windows() == windows) {
                    d = st;
                    break;
                }
            }
            if (d == null)
                throw new IllegalArgumentException("T = " + windows + " needs a store with " + windows + " windows per clip, but the stores are " + seen
                        + "; cut one with the audio pipeline, e.g. 'mater embed --window " + "SECONDS --windows " + windows + "'");
        }
        cache.put(windows, d);
        return d;
    }

    /** The data's shape class: ravdess (8 classes), cremad (6 classes) or other. */
    public String kind() throws IOException {
        if (source.synthetic() != null) return Synthetic.Preset.parse(source.synthetic()).key;
        Dataset d = data(firstStoreWindows());
        return d.classes().size() == 8 ? "ravdess" : d.classes().size() == 6 ? "cremad" : "other";
    }

    private int firstStoreWindows() throws IOException {
        return EmbeddingStore.read(source.stores().get(0)).windows();
    }

    /** The default T (8 for RAVDESS-shaped data, 6 for CREMA-D-shaped data, else the first store's T). */
    public int defaultWindows() throws IOException {
        if (source.synthetic() != null) return Synthetic.Preset.parse(source.synthetic()).defaultWindows;
        return firstStoreWindows();
    }

    /** Table 1's T values: {8, 16} for RAVDESS, {6, 12} for CREMA-D; the stores' T values otherwise. */
    public List<Integer> tableWindows() throws IOException {
        if (source.synthetic() != null) {
            int t = defaultWindows();
            return List.of(t, 2 * t);
        }
        var ts = new ArrayList<Integer>();
        for (Path s : source.stores()) ts.add(EmbeddingStore.read(s).windows());
        return ts;
    }

    public TrainConfig config(Row row) throws IOException {
        Dataset d = data(row.windows());
        var m = base.model();
        int dim = d.hasAudio() ? d.audio().size(2) : d.video().size(2);
        var model = new MaterConfig(dim, m.heads(), m.layers(), m.ff(), d.classes().size(), row.pe(), row.attention(), m.modality(), m.dropout());
        var cfg = base.withModel(model);
        TrainRun.check(d, cfg);
        return cfg;
    }

    public List<Folds.Fold> folds(int windows) throws IOException {
        return Folds.subjectDisjoint(data(windows).subjects(), base.folds());
    }

    /** run.json of a row: 'mater train's description of the data and configuration, plus the noisy modality. */
    public Map<String, Object> describe(Row row) throws IOException {
        var run = TrainRun.describe(data(row.windows()), config(row));
        if (row.noisy() != null) run.put("noisy_training", row.noisy());
        return run;
    }

    static String setupKey(Map<String, Object> run) {
        var m = new LinkedHashMap<String, Object>();
        m.put("dataset", run.get("dataset"));
        m.put("config", run.get("config"));
        m.put("noisy_training", run.get("noisy_training"));
        return Json.write(m);
    }

    public Path rowDir(Row row) {
        return out.resolve("train").resolve(row.name());
    }

    /** Folders that may hold this row's fold results: the row folder, its job-K folders, matching --run folders. */
    public List<Path> runDirs(Row row) throws IOException {
        var dirs = new ArrayList<Path>();
        Path dir = rowDir(row);
        if (Files.exists(dir.resolve("run.json"))) dirs.add(dir);
        if (Files.isDirectory(dir))
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().matches("job-\\d+") && Files.exists(p.resolve("run.json"))).sorted().forEach(dirs::add);
            }
        String key = setupKey(describe(row));
        for (Path r : reuse) if (setupKey(Json.asObject(Json.read(r.resolve("run.json")), r.toString())).equals(key)) dirs.add(r);
        return dirs;
    }

    /** Checks each --run folder: a train run (run.json) whose data matches this study and whose configuration is one of rows. */
    public void checkReuse(List<Row> rows) throws IOException {
        for (Path r : reuse) {
            Path f = r.resolve("run.json");
            if (!Files.exists(f)) throw new IOException("--run " + r + ": not a training run folder (no run.json)");
            var run = Json.asObject(Json.read(f), f.toString());
            var keys = new ArrayList<String>();
            boolean match = false;
            for (Row row : rows) {
                var mine = describe(row);
                if (setupKey(mine).equals(setupKey(run))) match = true;
                keys.add(row.name());
            }
            if (!match) {
                @SuppressWarnings("unchecked")
                var ds = (Map<String, Object>) run.get("dataset");
                var mine = describe(rows.get(0));
                String why = !Json.write(ds).equals(Json.write(mine.get("dataset")))
                        ? "its dataset " + Json.write(ds) + " is not this study's " + Json.write(mine.get("dataset"))
                        : "its configuration " + Json.write(run.get("config")) + " matches none of the rows " + keys + " (e.g. " + Json.write(mine.get("config")) + ")";
                throw new IllegalArgumentException("--run " + r + ": " + why);
            }
        }
    }

    /** The directory holding fold k's finished result for row, or null. */
    public Path foldDir(Row row, int k) throws IOException {
        for (Path d : runDirs(row)) {
            Path f = d.resolve("fold-" + (k + 1));
            if (Files.exists(FoldTrainer.resultFile(f)) && Files.exists(f.resolve("model.safetensors"))) return f;
        }
        return null;
    }

    /** The jobs of rows not yet finished anywhere. */
    public List<Job> pending(List<Row> rows) throws IOException {
        var list = new ArrayList<Job>();
        for (Row row : rows)
            for (var f : folds(row.windows())) if (foldDir(row, f.index()) == null) list.add(new Job(row, f.index()));
        return list;
    }

    /** Trains every missing (row, fold) job, --jobs at a time with the threads split between them, then merges each row. */
    public void train(List<Row> rows) throws Exception {
        checkReuse(rows);
        for (Row row : rows) {
            Path dir = rowDir(row), f = dir.resolve("run.json");
            Files.createDirectories(dir);
            var run = describe(row);
            if (Files.exists(f)) {
                if (!setupKey(Json.asObject(Json.read(f), f.toString())).equals(setupKey(run)))
                    throw new IllegalArgumentException(f + " was made with another dataset or configuration than this study's row " + row.name()
                            + "; use another --out");
            } else Json.write(f, run);
        }
        var todo = pending(rows);
        for (String line : reuseSummary(rows)) progress.message(line);
        if (!todo.isEmpty()) {
            int total = Parallel.threads(), n = Math.min(jobs, todo.size());
            progress.message(String.format(Locale.ROOT, "training %d jobs, %d at a time with %d threads each", todo.size(), n, Math.max(1, total / n)));
            Parallel.setThreads(Math.max(1, total / n));
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                var futures = new ArrayList<Future<?>>();
                for (Job job : todo) futures.add(pool.submit(() -> {
                    runJob(job);
                    return null;
                }));
                for (var fu : futures) fu.get();
            } finally {
                pool.shutdownNow();
                Parallel.setThreads(total);
            }
        }
        for (Row row : rows) merge(row);
    }

    /**
     * Where the finished fold models of rows come from, one line per source: each --run folder (with the rows
     * it serves) and this study's own train/ folder (earlier or interrupted runs, cluster jobs). Empty when
     * nothing is reused.
     */
    public List<String> reuseSummary(List<Row> rows) throws IOException {
        var fromRun = new LinkedHashMap<Path, List<String>>();
        var fromRunCount = new LinkedHashMap<Path, Integer>();
        int local = 0, total = 0;
        for (Row row : rows)
            for (var f : folds(row.windows())) {
                total++;
                Path dir = foldDir(row, f.index());
                if (dir == null) continue;
                Path src = reuse.stream().filter(r -> dir.startsWith(r)).findFirst().orElse(null);
                if (src == null) local++;
                else {
                    fromRunCount.merge(src, 1, Integer::sum);
                    var names = fromRun.computeIfAbsent(src, k -> new ArrayList<>());
                    if (!names.contains(row.name())) names.add(row.name());
                }
            }
        var lines = new ArrayList<String>();
        fromRun.forEach((src, names) -> lines.add(String.format(Locale.ROOT, "--run %s: reusing %d trained fold models (row %s) instead of retraining them", src,
                fromRunCount.get(src), String.join(", ", names))));
        if (local > 0) lines.add(String.format(Locale.ROOT, "reusing %d trained fold models already under %s (resumed, not retrained)", local, out.resolve("train")));
        int reused = local + fromRunCount.values().stream().mapToInt(Integer::intValue).sum();
        if (reused > 0) lines.add(String.format(Locale.ROOT, "%d of %d (row, fold) jobs reused, %d to train", reused, total, total - reused));
        return lines;
    }

    /** Trains one job into the row folder (clean: the 'mater train' fold trainer; noisy: Algorithm 1). */
    public void runJob(Job job) throws IOException {
        Dataset d = data(job.row().windows());
        var fold = folds(job.row().windows()).get(job.fold());
        var cfg = config(job.row());
        Path dir = rowDir(job.row()).resolve("fold-" + (job.fold() + 1));
        var quiet = new Progress(Progress.Mode.QUIET, System.out);
        long t0 = System.nanoTime();
        if (job.row().noisy() == null) FoldTrainer.run(d, fold, cfg, dir, quiet, true);
        else NoisyTraining.run(d, fold, cfg, dir, job.row().noisy(), noiseStatsFor(d, fold), quiet);
        progress.message(String.format(Locale.ROOT, "  %s done (%.0f s)", job.name(), (System.nanoTime() - t0) / 1e9));
    }

    /** Per modality (0 audio, 1 video): the noise statistics, matched to the fold's training embeddings unless overridden. */
    public Noise.Stats[] noiseStatsFor(Dataset d, Folds.Fold fold) {
        if (noiseOverride != null) return new Noise.Stats[] {noiseOverride, noiseOverride};
        Dataset train = d.subset(fold.train());
        return new Noise.Stats[] {train.hasAudio() ? Noise.Stats.of(train.audio()) : null, train.hasVideo() ? Noise.Stats.of(train.video()) : null};
    }

    /** Merges a row's fold results (local and job folders) into train/ROW/results.json and table.md. */
    public String merge(Row row) throws IOException {
        var run = describe(row);
        var dirs = runDirs(row);
        var all = Report.collect(dirs, null);
        if (all.isEmpty()) return null;
        return Report.write(rowDir(row), run, all);
    }

    /** Loads fold k's trained model of row, checking it fits the data. */
    public io.mater.model.Mater model(Row row, int k) throws IOException {
        Path dir = foldDir(row, k);
        if (dir == null)
            throw new IllegalStateException("row " + row.name() + " has no trained model for fold " + (k + 1) + " (train it, or run 'experiment report' after the cluster jobs finish)");
        var loaded = ModelFile.load(dir.resolve("model.safetensors"));
        var meta = loaded.metadata();
        String w = meta.get("windows");
        if (w != null && Integer.parseInt(w) != row.windows())
            throw new IOException(dir + ": model was trained on T = " + w + " windows, the row needs T = " + row.windows());
        var c = loaded.model().config;
        if (c.attention() != row.attention() || c.pe() != row.pe())
            throw new IOException(dir + ": model has attention=" + c.attention() + " pe=" + c.pe() + ", row " + row.name() + " needs attention=" + row.attention() + " pe=" + row.pe());
        return loaded.model();
    }
}
