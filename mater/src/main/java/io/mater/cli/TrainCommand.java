package io.mater.cli;

import io.mater.data.Dataset;
import io.mater.data.EmbeddingStore;
import io.mater.data.Synthetic;
import io.mater.engine.Parallel;
import io.mater.engine.io.Json;
import io.mater.model.MaterConfig;
import io.mater.model.Modality;
import io.mater.train.Progress;
import io.mater.train.TrainConfig;
import io.mater.train.TrainRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

/** {@code train}: subject-disjoint k-fold cross-validation of MATER on an embedding store or a synthetic set. */
final class TrainCommand implements Main.Command {
    static final Set<String> VALUED = Set.of("data", "synthetic", "preset", "modality", "windows", "folds", "fold", "epochs", "batch", "lr",
            "layers", "heads", "d-model", "ff", "dropout", "seed", "threads", "out", "patience", "factor", "weight-decay", "resume", "device");
    static final Set<String> FLAGS = Set.of("no-pe", "no-mhsa", "quiet", "force");

    /** Hyper-parameters of a preset (the model width comes from the data). */
    record Preset(int layers, int heads, int ff, float dropout, double lr, int epochs, int batch, int patience) {
        static Preset of(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "quick" -> new Preset(1, 8, 256, 0.1f, 1e-3, 5, 40, 20);
                case "paper" -> new Preset(6, 8, 2048, 0.1f, 1e-6, 300, 64, 20);
                default -> throw new Args.UsageException("--preset must be quick or paper, got '" + name + "'");
            };
        }
    }

    @Override
    public String summary() {
        return "train MATER with subject-disjoint k-fold cross-validation (default: quick preset, synthetic ravdess)";
    }

    @Override
    public String help() {
        return """
                usage: mater train [options]
                       mater train --resume OUT

                Trains MATER (paper Section 4.1): Adam on the cross-entropy of the fused logits,
                ReduceLROnPlateau on the training loss, subject-disjoint k-fold cross-validation. Writes
                OUT/run.json, OUT/fold-K/ (model.safetensors, result.json, curves and confusion matrices as CSV,
                PNG and SVG; checkpoint.safetensors while the fold trains), OUT/results.json and OUT/table.md,
                and prints the table.

                data:
                  --data FILE          an embedding store (.safetensors with audio/video/labels/subjects)
                  --synthetic NAME     a generated dataset: ravdess (24 subjects, 8 classes) or cremad
                                       (91 subjects, 6 classes); the default when --data is not given
                  --windows T          windows per clip (default: all of the store's; synthetic: 8 for
                                       ravdess, 6 for cremad; a synthetic set cut into more windows uses
                                       shorter ones, e.g. ravdess T=16 is 16 x 0.25 s)
                protocol:
                  --folds K            number of folds (default 12 for ravdess-like data, 10 for cremad)
                  --fold I             run only fold I (1..K), e.g. as one job of a cluster array;
                                       'mater report' merges the fold folders afterwards
                  --seed N             seed of initialisation, data order and dropout (default 0)
                model and optimisation (defaults from --preset quick|paper; paper = d 512, 6 layers,
                8 heads, ff 2048, dropout 0.1, lr 1e-6, batch 64, 300 epochs; quick = 1 layer, 8 heads,
                ff 256, dropout 0.1, lr 1e-3, batch 40, 5 epochs):
                  --modality av|audio|video   (default av)
                  --no-pe              no positional encoding
                  --no-mhsa            no self-attention (the paper's baseline: x = LN(x + FFN(x)))
                  --layers L  --heads H  --d-model D  --ff F  --dropout P
                  --epochs E  --batch B  --lr LR  --patience P  --factor F  --weight-decay W
                run:
                  --out DIR            output folder (default runs/<dataset>-<modality>-<time>)
                  --resume DIR         continue an interrupted run with its own configuration (a run made
                                       with --fold I continues fold I alone; --resume DIR --fold J picks J)
                  --force              replace an existing non-empty --out folder
                  --threads N          compute threads (default: all processors)
                  --device cpu|opencl[:N]|tornado[:N]  where to train (default cpu); opencl runs the whole
                                       training step on an OpenCL device (needs an OpenCL driver, e.g.
                                       PoCL); tornado on a TornadoVM device (needs the TornadoVM SDK)
                  --quiet              no progress output
                """;
    }

    @Override
    public int run(String[] argv) throws Exception {
        var a = new Args("train", argv, VALUED, FLAGS);
        if (!a.positional().isEmpty()) throw new Args.UsageException("unexpected argument '" + a.positional().get(0) + "'");
        if (a.has("threads")) Parallel.setThreads(a.integer("threads", Parallel.threads()));
        var device = DeviceOption.open(a);
        var progress = Progress.auto(a.flag("quiet"));
        if (a.has("resume")) return resume(a, progress, device);

        Dataset data;
        String dataName;
        if (a.has("data")) {
            if (a.has("synthetic")) throw new Args.UsageException("give either --data or --synthetic, not both");
            Path file = Path.of(a.string("data", ""));
            if (!Files.exists(file)) throw new java.io.FileNotFoundException("--data " + file + ": no such file");
            data = EmbeddingStore.read(file);
            if (a.has("windows")) {
                int t = a.integer("windows", data.windows());
                if (t > data.windows())
                    throw new IllegalArgumentException("--windows " + t + " is larger than the " + data.windows() + " windows per clip that " + file + " has");
                if (t < 1) throw new Args.UsageException("--windows must be >= 1");
                data = data.firstWindows(t);
            }
            dataName = data.name();
        } else {
            var preset = Synthetic.Preset.parse(a.string("synthetic", "ravdess"));
            int t = a.integer("windows", preset.defaultWindows);
            if (t < 1) throw new Args.UsageException("--windows must be >= 1");
            double seconds = preset.defaultWindowSeconds * preset.defaultWindows / t;
            data = Synthetic.generate(preset, a.longValue("seed", 0) + 12345, t, seconds, Synthetic.Params.defaults());
            dataName = preset.key;
        }
        var p = Preset.of(a.string("preset", "quick"));
        int defaultD = data.hasAudio() ? data.audio().size(2) : data.video().size(2);
        int defaultFolds = data.classes().size() == 6 ? 10 : 12;
        var model = new MaterConfig(a.integer("d-model", defaultD), a.integer("heads", p.heads()), a.integer("layers", p.layers()),
                a.integer("ff", p.ff()), data.classes().size(), !a.flag("no-pe"), !a.flag("no-mhsa"),
                Modality.parse(a.string("modality", "av")), (float) a.number("dropout", p.dropout()));
        var cfg = new TrainConfig(model, a.integer("epochs", p.epochs()), a.integer("batch", p.batch()), a.number("lr", p.lr()),
                a.integer("patience", p.patience()), a.number("factor", 0.1), a.number("weight-decay", 0), a.integer("folds", defaultFolds),
                a.longValue("seed", 0));
        Path out = a.has("out") ? Path.of(a.string("out", "")) : Path.of("runs", dataName + "-" + model.modality().key() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Integer fold = a.has("fold") ? a.integer("fold", 0) : null;
        TrainRun.check(data, cfg); // before anything is written, so that a refused run leaves no folder behind
        if (TrainRun.nonEmpty(out)) {
            if (a.flag("force")) deleteTree(out);
            else if (fold == null || !Files.exists(out.resolve("run.json")))
                throw new IllegalArgumentException(out + " already exists and is not empty; continue it with --resume " + out
                        + ", choose another --out, or pass --force to replace it");
        }
        writeSource(out, a, dataName);
        var outcome = TrainRun.run(data, cfg, out, fold, false, progress, device);
        System.out.println();
        System.out.println(outcome.table());
        System.out.println("results: " + out.resolve("results.json") + "  table: " + out.resolve("table.md"));
        return 0;
    }

    /** Remembers how the data was made, so --resume can rebuild it. */
    private static void writeSource(Path out, Args a, String dataName) throws java.io.IOException {
        Files.createDirectories(out);
        var src = new java.util.LinkedHashMap<String, Object>();
        if (a.has("data")) src.put("data", Path.of(a.string("data", "")).toAbsolutePath().toString());
        else src.put("synthetic", dataName);
        if (a.has("windows")) src.put("windows", a.integer("windows", 0));
        src.put("seed", a.longValue("seed", 0));
        if (a.has("fold")) src.put("fold", a.integer("fold", 0)); // --resume then continues this fold alone
        Path f = out.resolve("source.json");
        if (!Files.exists(f)) Json.write(f, src);
    }

    private int resume(Args a, Progress progress, io.mater.engine.Device device) throws Exception {
        Path out = Path.of(a.string("resume", ""));
        Path runFile = out.resolve("run.json"), srcFile = out.resolve("source.json");
        if (!Files.exists(runFile) || !Files.exists(srcFile))
            throw new java.io.FileNotFoundException("--resume " + out + ": not a training run folder (no run.json/source.json)");
        for (String k : VALUED)
            if (a.has(k) && !k.equals("resume") && !k.equals("threads") && !k.equals("device") && !k.equals("fold"))
                throw new Args.UsageException("--resume continues with the run's own settings; --" + k + " cannot be changed");
        var run = Json.asObject(Json.read(runFile), runFile.toString());
        @SuppressWarnings("unchecked")
        var cfg = TrainConfig.fromJson((java.util.Map<String, Object>) run.get("config"));
        var src = Json.asObject(Json.read(srcFile), srcFile.toString());
        Dataset data;
        if (src.containsKey("data")) {
            data = EmbeddingStore.read(Path.of(Json.asString(src.get("data"), "data")));
            if (src.containsKey("windows")) data = data.firstWindows(Json.asInt(src.get("windows"), "windows"));
        } else {
            var preset = Synthetic.Preset.parse(Json.asString(src.get("synthetic"), "synthetic"));
            int t = src.containsKey("windows") ? Json.asInt(src.get("windows"), "windows") : preset.defaultWindows;
            data = Synthetic.generate(preset, Json.asLong(src.get("seed"), "seed") + 12345, t,
                    preset.defaultWindowSeconds * preset.defaultWindows / t, Synthetic.Params.defaults());
        }
        // the fold of a one-fold run (--fold K when the folder was made), or the one asked for; else every fold
        Integer fold = a.has("fold") ? Integer.valueOf(a.integer("fold", 0))
                : src.containsKey("fold") ? Integer.valueOf(Json.asInt(src.get("fold"), "fold")) : null;
        var outcome = TrainRun.run(data, cfg, out, fold, true, progress, device);
        System.out.println();
        System.out.println(outcome.table());
        return 0;
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
