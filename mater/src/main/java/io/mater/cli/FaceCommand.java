package io.mater.cli;

import io.mater.engine.Parallel;
import io.mater.engine.Tensor;
import io.mater.face.FaceNet;
import io.mater.face.FaceTrainer;
import io.mater.face.Fer2013;
import io.mater.plot.Charts;
import io.mater.train.Progress;
import io.mater.train.TextFiles;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/** {@code face}: train, evaluate and try the VGG-M face network on FER2013. */
final class FaceCommand implements Main.Command {
    @Override
    public String summary() {
        return "train / evaluate / predict with the VGG-M face network (FER2013)";
    }

    @Override
    public String help() {
        return """
                usage: mater face train --data DIR [options]
                       mater face evaluate --model M --data DIR [--out DIR]
                       mater face predict --model M IMAGE...

                The face network is VGG-M with batch norm (conv1-conv5 as mater_ref.py's vggm spec) for native
                48x48 grey faces: conv1 has 1 input channel and stride 1; the head is max 2x2 -> fc 2048->1024->1024->7
                with dropout. Classes, in FER2013's folder order: angry,disgust,fear,happy,neutral,sad,surprise.

                train: DIR holds FER2013's train/ and public-test/ splits (one folder per class, 48x48 images).
                  Trains on train/, evaluates public-test/ after every epoch and keeps the best model.
                  --epochs N           epochs, the length of the cosine schedule (default 30)
                  --batch N            batch size (default 64)
                  --lr X               AdamW peak learning rate (default 1e-3)
                  --weight-decay X     AdamW decoupled weight decay (default 0.05)
                  --dropout X          dropout after fc6 and fc7 (default 0.5)
                  --shift N            random translation of up to +-N px (default 3); horizontal flips always
                  --warmup N           linear warm-up steps (default 200)
                  --min-lr X           learning rate at the end of the cosine (default 0)
                  --seed N             seed (default 1)
                  --limit N            at most N images per class of each split (default: all)
                  --out FILE           the model (default vggm-fer.safetensors); also FILE-stem.ckpt.safetensors
                                       (checkpoint each epoch) and FILE-stem.curve.csv (accuracy curve)
                  --resume             continue from the checkpoint beside --out with its configuration
                  --stop-after N       end this run after N epochs (the schedule still spans --epochs; --resume later)
                  --width-scale N      divide every width by N (default 1: the real network; for quick experiments)
                  --threads N          compute threads (default: all processors)
                  --quiet              no progress output

                evaluate: DIR is a split (one folder per class) or a folder holding public-test/. Prints accuracy,
                  per-class accuracy and the confusion matrix, and writes it to --out DIR (default face-evaluation)
                  as confusion.png, confusion.svg and confusion.csv.

                predict: prints the emotion distribution of each face image (PNG/JPEG; converted to grey and
                  resized to 48x48 if needed).
                """;
    }

    @Override
    public int run(String[] argv) throws Exception {
        if (argv.length == 0) throw new Args.UsageException("give a subcommand: train, evaluate or predict");
        String sub = argv[0];
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        return switch (sub) {
            case "train" -> train(rest);
            case "evaluate" -> evaluate(rest);
            case "predict" -> predict(rest);
            default -> throw new Args.UsageException("unknown subcommand '" + sub + "' (train, evaluate or predict)");
        };
    }

    private static int train(String[] argv) throws Exception {
        var a = new Args("face train", argv, Set.of("data", "epochs", "batch", "lr", "weight-decay", "dropout", "shift", "warmup",
                "min-lr", "seed", "limit", "out", "threads", "stop-after", "width-scale"), Set.of("resume", "quiet"));
        if (!a.positional().isEmpty()) throw new Args.UsageException("unexpected argument '" + a.positional().get(0) + "'");
        if (a.has("threads")) Parallel.setThreads(a.integer("threads", Parallel.threads()));
        Path data = Path.of(a.required("data"));
        if (!Files.isDirectory(data)) throw new FileNotFoundException("--data " + data + ": no such directory");
        var d = FaceTrainer.Config.defaults();
        var config = new FaceTrainer.Config(a.integer("epochs", d.epochs()), a.integer("batch", d.batch()), a.number("lr", d.lr()),
                a.number("weight-decay", d.weightDecay()), (float) a.number("dropout", d.dropout()), a.integer("shift", d.shift()),
                a.integer("warmup", d.warmupSteps()), a.number("min-lr", d.minLr()), a.longValue("seed", d.seed()), a.integer("limit", d.limitPerClass()),
                a.integer("width-scale", d.widthScale()));
        Path out = Path.of(a.string("out", "vggm-fer.safetensors"));
        var progress = Progress.auto(a.flag("quiet"));
        progress.message("face network: " + Parallel.threads() + " threads, kernels " + io.mater.engine.Simd.describe());
        var curve = FaceTrainer.train(data.resolve("train"), data.resolve("public-test"), config, out, a.flag("resume"), a.integer("stop-after", 0), progress);
        double best = curve.stream().mapToDouble(FaceTrainer.EpochResult::testAcc).max().orElse(Double.NaN);
        progress.message(String.format(Locale.ROOT, "best public-test accuracy %.4f; model: %s; curve: %s", best, out, FaceTrainer.curvePath(out)));
        return 0;
    }

    private static int evaluate(String[] argv) throws Exception {
        var a = new Args("face evaluate", argv, Set.of("model", "data", "out", "threads", "batch"), Set.of());
        if (!a.positional().isEmpty()) throw new Args.UsageException("unexpected argument '" + a.positional().get(0) + "'");
        if (a.has("threads")) Parallel.setThreads(a.integer("threads", Parallel.threads()));
        var net = FaceNet.load(Path.of(a.required("model")));
        Path data = Path.of(a.required("data"));
        if (Files.isDirectory(data.resolve("public-test"))) data = data.resolve("public-test");
        var split = Fer2013.load(data, net.classes(), 0);
        long t0 = System.nanoTime();
        var ev = FaceTrainer.evaluate(net, split, a.integer("batch", 128));
        double secs = (System.nanoTime() - t0) / 1e9;
        var classes = net.classes();
        System.out.printf(Locale.ROOT, "%s: %d images, accuracy %.4f (%.0f images/s)%n", data, ev.total(), ev.accuracy(), ev.total() / secs);
        double[] per = ev.perClassAccuracy();
        var csv = new StringBuilder("true\\predicted," + String.join(",", classes) + "\n");
        System.out.printf("%-10s %8s   confusion (rows true, columns predicted)%n", "class", "accuracy");
        for (int k = 0; k < classes.size(); k++) {
            var row = new StringBuilder();
            for (int v : ev.confusion()[k]) row.append(String.format("%6d", v));
            System.out.printf(Locale.ROOT, "%-10s %8.4f %s%n", classes.get(k), per[k], row);
            csv.append(classes.get(k));
            for (int v : ev.confusion()[k]) csv.append(',').append(v);
            csv.append('\n');
        }
        Path outDir = Path.of(a.string("out", "face-evaluation"));
        Files.createDirectories(outDir);
        TextFiles.writeAtomically(outDir.resolve("confusion.csv"), csv.toString());
        Charts.save(Charts.confusion(String.format(Locale.ROOT, "FER2013 %s, accuracy %.1f %%", data.getFileName(), 100 * ev.accuracy()), classes, ev.confusion()),
                outDir.resolve("confusion"));
        System.out.println("wrote " + outDir.resolve("confusion.png") + ", .svg and .csv");
        return 0;
    }

    private static int predict(String[] argv) throws Exception {
        var a = new Args("face predict", argv, Set.of("model"), Set.of());
        if (a.positional().isEmpty()) throw new Args.UsageException("give one or more face images");
        var net = FaceNet.load(Path.of(a.required("model")));
        int s = net.inputSize();
        for (String f : a.positional()) {
            float[] grey = Fer2013.readGrey(Path.of(f), s);
            float[] p = net.predict(Tensor.of(net.normalise(grey), 1, 1, s, s)).data();
            int best = 0;
            for (int k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
            var sb = new StringBuilder(String.format(Locale.ROOT, "%s: %s (%.1f %%) ", f, net.classes().get(best), 100 * p[best]));
            for (int k = 0; k < p.length; k++) sb.append(String.format(Locale.ROOT, " %s %.3f", net.classes().get(k), p[k]));
            System.out.println(sb);
        }
        return 0;
    }
}
