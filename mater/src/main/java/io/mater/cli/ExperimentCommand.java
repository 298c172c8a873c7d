package io.mater.cli;

import io.mater.engine.Parallel;
import io.mater.engine.io.Json;
import io.mater.experiment.Analyses;
import io.mater.experiment.Noise;
import io.mater.experiment.Slurm;
import io.mater.experiment.Study;
import io.mater.model.MaterConfig;
import io.mater.model.Modality;
import io.mater.train.Progress;
import io.mater.train.TrainConfig;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code experiment}: the paper's tables and figures, one sub-command each, plus reproduce, report and cluster jobs. */
final class ExperimentCommand implements Main.Command {
    static final List<String> KINDS = List.of("table1", "layer-entropy", "noise", "noise-retrain", "incremental", "response-time", "attention", "reproduce");
    static final Set<String> VALUED = Set.of("data", "synthetic", "seed", "preset", "folds", "epochs", "layers", "heads", "ff", "dropout", "lr", "batch",
            "patience", "modality", "out", "run", "jobs", "threads", "reps", "noise", "clip", "emit", "cpus-per-task", "mem", "time", "row", "fold");
    static final Set<String> FLAGS = Set.of("quiet");

    @Override
    public String summary() {
        return "the paper's experiments: table1, layer-entropy, noise, noise-retrain, incremental, response-time, attention, reproduce, report";
    }

    @Override
    public String help() {
        return """
                usage: mater experiment NAME [options]
                       mater experiment report OUT
                       mater experiment NAME [options] --emit slurm DIR

                NAME (paper section / figure):
                  table1         Table 1: MHSA on/off x T in {8, 16} (RAVDESS) or {6, 12} (CREMA-D) x PE on/off,
                                 A/V/AV accuracy, A and V prediction entropy and their difference, mean ± std
                                 over subject-disjoint folds; table1.md/.json/.csv with the paper's column
                  layer-entropy  Fig. 4 (Eq. 6): entropy of the softmax-normalised hidden state after each
                                 encoder layer (layer 0 = input), A, V and A-V, attention vs baseline
                  noise          Figs. 5-6: clean-trained models, n = 1..T windows replaced by Gaussian noise
                                 at test time in audio, video or both; --reps repetitions; six panels
                  noise-retrain  Figs. 7-8 (Algorithm 1): retrained with T_noisy in {1..T/2} noisy windows per
                                 iteration in one modality, tested with noise in the same modality
                  incremental    Figs. 9-10: accuracy when the model sees only the first t windows
                  response-time  Fig. 11: first correct window of correctly classified clips, mean response
                                 time in seconds beside the human figures the paper quotes
                  attention      self-attention weights over windows per layer and head (heat maps), mean
                                 over test clips and per class, or one clip with --clip ID
                  reproduce      all of the above into OUT/report/ with index.md in the paper's order
                  report OUT     merges job folders (e.g. from a Slurm array) and reruns the analyses that
                                 OUT/experiment.json records
                'attention' is MHSA + PE, 'baseline' is neither (the paper's baseline), both at the default T.

                data (as 'mater train'):
                  --synthetic NAME     ravdess (default) or cremad; both T values are generated from one seed
                  --data FILE[,FILE]   embedding stores, one per T (make the T = 16 RAVDESS store with
                                       0.25 s windows: mater embed --window 0.25 --windows 16 ...)
                  --seed N             seed of data, initialisation, order and noise (default 0)
                  --modality av|audio|video   (default: what the data has; an audio-only store
                                       gives the audio-only panels)
                training (defaults from --preset quick|paper, as 'mater train'; quick uses 3 folds here):
                  --preset quick|paper --folds K --epochs E --layers L --heads H --ff F --dropout P
                  --lr LR --batch B --patience P
                run:
                  --out DIR            output folder (default runs/experiment-<dataset>)
                  --run DIR[,DIR]      reuse trained fold models of 'mater train' output folders whose
                                       dataset and configuration match a row (checked; others are trained)
                  --jobs N             run N (row, fold) training jobs side by side, threads split (default 1)
                  --threads N          compute threads in all (default: all processors)
                  --reps N             noise repetitions (default 10)
                  --noise matched|unit noise mean/std: the fold's training embeddings' (default) or N(0, 1)
                  --clip ID            attention: one clip instead of the mean
                  --quiet
                cluster:
                  --emit slurm DIR     write DIR/array.sbatch and DIR/jobs.txt (one task per pending (row, fold));
                                       results go to --out (default DIR); then 'mater experiment report OUT'
                  --cpus-per-task N (1)  --mem M (4G)  --time T (04:00:00)
                Finished jobs are never redone: rerunning a command (or report) resumes where it stopped.
                """;
    }

    @Override
    public int run(String[] argv) throws Exception {
        var a = new Args("experiment", argv, VALUED, FLAGS);
        var pos = a.positional();
        if (pos.isEmpty()) throw new Args.UsageException("give an experiment: " + String.join(", ", KINDS) + ", or report OUT");
        String name = pos.get(0);
        if (name.equals("report")) {
            if (pos.size() != 2) throw new Args.UsageException("usage: mater experiment report OUT");
            return report(Path.of(pos.get(1)), a);
        }
        if (!KINDS.contains(name) && !name.equals("train-job"))
            throw new Args.UsageException("unknown experiment '" + name + "'; expected one of " + String.join(", ", KINDS) + ", report");
        String emit = a.string("emit", null);
        if (emit != null && !emit.equals("slurm")) throw new Args.UsageException("--emit must be slurm, got '" + emit + "'");
        if (emit != null && pos.size() != 2) throw new Args.UsageException("--emit slurm needs a folder: --emit slurm DIR");
        if (emit == null && pos.size() > 1) throw new Args.UsageException("unexpected argument '" + pos.get(1) + "'");
        if (a.has("threads")) Parallel.setThreads(a.integer("threads", Parallel.threads()));
        else if (System.getenv("MATER_THREADS") != null) Parallel.setThreads(Integer.parseInt(System.getenv("MATER_THREADS").trim()));
        Path emitDir = emit != null ? Path.of(pos.get(1)) : null;
        var study = study(a, emitDir);
        // remember the command so that 'report' can rerun it after cluster jobs
        if (!name.equals("train-job")) {
            var rec = new LinkedHashMap<String, Object>();
            rec.put("experiment", name);
            var args = new ArrayList<String>();
            for (int i = 0; i < argv.length; i++) {
                if (argv[i].equals("--emit")) {
                    i++;
                    continue;
                }
                if (emitDir != null && argv[i].equals(pos.get(1))) continue;
                if (argv[i].equals(name)) continue;
                args.add(argv[i]);
            }
            rec.put("args", args);
            Files.createDirectories(study.out);
            Json.write(study.out.resolve("experiment.json"), rec);
        }
        if (name.equals("train-job")) {
            String row = a.required("row");
            int fold = a.integer("fold", 0);
            for (var r : allRows(study, "reproduce"))
                if (r.name().equals(row)) {
                    trainOne(study, r, fold);
                    return 0;
                }
            throw new Args.UsageException("--row " + row + " is not a row of this study");
        }
        if (emitDir != null) return emit(study, name, a, emitDir);
        long t0 = System.nanoTime();
        runExperiment(study, name, a);
        System.out.printf(Locale.ROOT, "%s done in %.1f min; report: %s%n", name, (System.nanoTime() - t0) / 60e9, study.out.resolve("report").resolve("index.md"));
        return 0;
    }

    private static void trainOne(Study study, Study.Row row, int fold) throws Exception {
        var folds = study.folds(row.windows());
        if (fold < 1 || fold > folds.size()) throw new Args.UsageException("--fold must be in 1.." + folds.size() + ", got " + fold);
        Path dir = study.rowDir(row), f = dir.resolve("run.json");
        Files.createDirectories(dir);
        if (!Files.exists(f)) Json.write(f, study.describe(row));
        if (study.foldDir(row, fold - 1) == null) study.runJob(new Study.Job(row, fold - 1));
    }

    static void runExperiment(Study s, String name, Args a) throws Exception {
        int reps = a.integer("reps", 10);
        if (reps < 1) throw new Args.UsageException("--reps must be >= 1");
        long seed = a.longValue("seed", 0);
        String clip = a.string("clip", null);
        switch (name) {
            case "table1" -> System.out.println(Files.readString(report(s, "table1")));
            case "layer-entropy" -> Analyses.layerEntropy(s);
            case "noise" -> Analyses.noise(s, reps, seed);
            case "noise-retrain" -> Analyses.noiseRetrain(s, reps, seed);
            case "incremental" -> Analyses.incremental(s);
            case "response-time" -> Analyses.responseTime(s);
            case "attention" -> Analyses.attention(s, clip);
            case "reproduce" -> {
                s.train(allRows(s, "reproduce"));
                report(s, "table1");
                for (String k : List.of("layer-entropy", "noise", "noise-retrain", "incremental", "response-time", "attention")) {
                    long t0 = System.nanoTime();
                    runExperiment(s, k, a);
                    s.progress.message(String.format(Locale.ROOT, "%s: %.1f s", k, (System.nanoTime() - t0) / 1e9));
                }
                System.out.println(Files.readString(s.out.resolve("report").resolve("table1.md")));
            }
            default -> throw new Args.UsageException("unknown experiment '" + name + "'");
        }
    }

    private static Path report(Study s, String name) throws Exception {
        Analyses.table1(s);
        return s.out.resolve("report").resolve(name + ".md");
    }

    /** The rows an experiment trains. */
    static List<Study.Row> allRows(Study s, String name) throws Exception {
        return switch (name) {
            case "table1" -> Analyses.tableRows(s);
            case "noise-retrain" -> Analyses.noisyRows(s);
            case "reproduce" -> {
                var rows = new ArrayList<>(Analyses.tableRows(s));
                rows.addAll(Analyses.noisyRows(s));
                yield rows;
            }
            case "attention" -> List.of(Analyses.pair(s).get(0));
            default -> Analyses.pair(s);
        };
    }

    private static Study study(Args a, Path emitDir) throws Exception {
        Study.Source source;
        if (a.has("data")) {
            if (a.has("synthetic")) throw new Args.UsageException("give either --data or --synthetic, not both");
            var stores = new ArrayList<Path>();
            for (String f : a.string("data", "").split(",")) {
                Path p = Path.of(f.trim());
                if (!Files.exists(p)) throw new FileNotFoundException("--data " + p + ": no such file");
                stores.add(p);
            }
            source = new Study.Source(null, stores, a.longValue("seed", 0));
        } else {
            source = new Study.Source(io.mater.data.Synthetic.Preset.parse(a.string("synthetic", "ravdess")).key, null, a.longValue("seed", 0));
        }
        String presetName = a.string("preset", "quick");
        var p = TrainCommand.Preset.of(presetName);
        boolean quick = presetName.equalsIgnoreCase("quick");
        int defaultFolds = quick ? 3 : -1;
        // the model width and class count are set per row from the data (Study.config)
        var probe = new Study(source, null, Path.of("."), 1, List.of(), null, null);
        var probeData = probe.data(probe.defaultWindows());
        // default modality: what the data has (an audio-only store gives audio-only models)
        var modality = a.has("modality") ? Modality.parse(a.string("modality", "av"))
                : probeData.hasAudio() && probeData.hasVideo() ? Modality.AV : probeData.hasAudio() ? Modality.AUDIO : Modality.VIDEO;
        var model = new MaterConfig(8, a.integer("heads", p.heads()), a.integer("layers", p.layers()), a.integer("ff", p.ff()), 2, true, true,
                modality, (float) a.number("dropout", p.dropout()));
        int folds = a.integer("folds", defaultFolds > 0 ? defaultFolds : probe.kind().equals("cremad") ? 10 : 12);
        var cfg = new TrainConfig(model, a.integer("epochs", p.epochs()), a.integer("batch", p.batch()), a.number("lr", p.lr()),
                a.integer("patience", p.patience()), 0.1, 0, folds, a.longValue("seed", 0));
        String dataName = source.synthetic() != null ? source.synthetic() : probe.data(probe.defaultWindows()).name();
        Path out = a.has("out") ? Path.of(a.string("out", "")) : emitDir != null ? emitDir : Path.of("runs", "experiment-" + dataName);
        var reuse = new ArrayList<Path>();
        if (a.has("run")) for (String r : a.string("run", "").split(",")) reuse.add(Path.of(r.trim()));
        String noise = a.string("noise", "matched");
        Noise.Stats stats = switch (noise) {
            case "matched" -> null;
            case "unit" -> Noise.Stats.UNIT;
            default -> throw new Args.UsageException("--noise must be matched or unit, got '" + noise + "'");
        };
        return new Study(source, cfg, out, a.integer("jobs", 1), reuse, stats, Progress.auto(a.flag("quiet")));
    }

    /** Writes the Slurm array of the pending jobs of experiment name. */
    private static int emit(Study s, String name, Args a, Path dir) throws Exception {
        var rows = allRows(s, name);
        s.checkReuse(rows);
        var commands = new ArrayList<String>();
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = jarPath();
        var c = s.base;
        for (var row : rows) {
            Path rd = s.rowDir(row);
            Files.createDirectories(rd);
            if (!Files.exists(rd.resolve("run.json"))) Json.write(rd.resolve("run.json"), s.describe(row));
        }
        for (var job : s.pending(rows)) {
            var w = new ArrayList<String>(List.of(Slurm.quote(java), "-jar", Slurm.quote(jar)));
            var row = job.row();
            if (row.noisy() == null) {
                w.add("train");
                w.addAll(sourceArgs(s, row.windows()));
                w.addAll(List.of("--preset", a.string("preset", "quick"), "--modality", c.model().modality().key(), "--layers", "" + c.model().layers(), "--heads", "" + c.model().heads(),
                        "--ff", "" + c.model().ff(), "--dropout", Float.toString(c.model().dropout()), "--lr", Double.toString(c.lr()), "--epochs", "" + c.epochs(),
                        "--batch", "" + c.batch(), "--patience", "" + c.patience(), "--folds", "" + c.folds(), "--seed", "" + c.seed(), "--fold", "" + (job.fold() + 1)));
                if (!row.pe()) w.add("--no-pe");
                if (!row.attention()) w.add("--no-mhsa");
                w.addAll(List.of("--quiet", "--threads", "${SLURM_CPUS_PER_TASK:-1}", "--out",
                        Slurm.quote(s.rowDir(row).resolve("job-" + (job.fold() + 1)).toAbsolutePath().toString())));
            } else {
                w.addAll(List.of("experiment", "train-job", "--row", row.name(), "--fold", "" + (job.fold() + 1), "--quiet", "--threads", "${SLURM_CPUS_PER_TASK:-1}",
                        "--out", Slurm.quote(s.out.toAbsolutePath().toString())));
                w.addAll(sourceArgs(s, 0));
                for (String k : List.of("preset", "modality", "folds", "epochs", "layers", "heads", "ff", "dropout", "lr", "batch", "patience", "noise"))
                    if (a.has(k)) w.addAll(List.of("--" + k, Slurm.quote(a.string(k, ""))));
            }
            commands.add(String.join(" ", w));
        }
        int n = Slurm.emit(dir, commands, name, a.integer("cpus-per-task", 1), a.string("mem", "4G"), a.string("time", "04:00:00"));
        System.out.printf("%d array tasks written to %s (jobs.txt); submit with: sbatch %s%nthen: java -jar %s experiment report %s%n", n,
                dir.resolve("array.sbatch"), dir.resolve("array.sbatch"), jar, s.out);
        return 0;
    }

    private static List<String> sourceArgs(Study s, int windows) throws Exception {
        var out = new ArrayList<String>();
        if (s.source.synthetic() != null) {
            out.addAll(List.of("--synthetic", s.source.synthetic(), "--seed", "" + s.source.seed()));
            if (windows > 0) out.addAll(List.of("--windows", "" + windows));
        } else if (windows > 0) {
            for (Path p : s.source.stores())
                if (io.mater.data.EmbeddingStore.read(p).windows() == windows) out.addAll(List.of("--data", Slurm.quote(p.toAbsolutePath().toString())));
        } else {
            var all = new ArrayList<String>();
            for (Path p : s.source.stores()) all.add(p.toAbsolutePath().toString());
            out.addAll(List.of("--data", Slurm.quote(String.join(",", all)), "--seed", "" + s.source.seed()));
        }
        return out;
    }

    static String jarPath() {
        String env = System.getenv("MATER_JAR");
        if (env != null) return env;
        try {
            Path p = Path.of(ExperimentCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (p.toString().endsWith(".jar")) return p.toAbsolutePath().toString();
        } catch (Exception ignored) {
            // fall through
        }
        return "mater-engine.jar";
    }

    /** Merges the job folders of every row under OUT/train and reruns the recorded experiment. */
    private static int report(Path out, Args a) throws Exception {
        Path rec = out.resolve("experiment.json");
        if (!Files.exists(rec)) throw new FileNotFoundException(rec + ": not an experiment folder (no experiment.json)");
        var m = Json.asObject(Json.read(rec), rec.toString());
        String name = Json.asString(m.get("experiment"), "experiment");
        var args = new ArrayList<String>();
        args.add(name);
        for (Object o : Json.asArray(m.get("args"), "args")) args.add(String.valueOf(o));
        if (!args.contains("--out")) args.addAll(List.of("--out", out.toString()));
        if (a.flag("quiet")) args.add("--quiet");
        System.out.println("report: rerunning 'experiment " + String.join(" ", args) + "' over the finished jobs");
        return new ExperimentCommand().run(args.toArray(String[]::new));
    }
}
