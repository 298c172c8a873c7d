package io.mater.cli;

import io.mater.engine.Parallel;
import io.mater.engine.Tensor;
import io.mater.face.ClipLabel;
import io.mater.face.FaceModel;
import io.mater.face.FaceNet;
import io.mater.face.FaceTrainer;
import io.mater.face.FaceVideo;
import io.mater.face.Fer2013;
import io.mater.face.Views;
import io.mater.plot.Charts;
import io.mater.train.Metrics;
import io.mater.train.Progress;
import io.mater.train.TextFiles;
import io.mater.vision.FaceDetector;
import io.mater.vision.Ffmpeg;
import io.mater.vision.VideoFaces;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
                       mater face evaluate --model M --data DIR [--tta none|mirror|grid] [--out DIR]
                       mater face predict --model M [--csv FILE] IMAGE|VIDEO...

                The face network is VGG-M with batch norm (conv1-conv5 as mater_ref.py's vggm spec) for native
                48x48 grey faces: conv1 has 1 input channel and stride 1; the head is max 2x2 -> fc 2048->1024->1024->7
                with dropout. Classes, in FER2013's folder order: angry,disgust,fear,happy,neutral,sad,surprise.

                train: DIR holds FER2013's train/ and public-test/ splits (one folder per class, 48x48 images).
                  Trains on train/, evaluates public-test/ after every epoch and keeps the best model.
                  --epochs N           epochs, the length of the cosine schedule (default 15: about 2 h on 2 cores)
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
                  Training selects on public-test with the face alone; at the end the kept model is also
                  evaluated as 'face evaluate' does by default (--tta grid with --tta-shift = --shift).

                --model M takes either weights layout, told apart by conv1.weight's shape: the face network written
                  by 'face train' ([96, 1, 7, 7]), or VGG-M in mater_ref.py's vggm layout ([96, 3, 7, 7], RGB,
                  stride-2 conv1, its names conv1..conv5, bn49..bn55, fc6..fc8; e.g. converted pretrained weights).
                  For evaluate and predict the file needs a head with the 7 FER classes (vggm layout: fc6, fc7,
                  fc8 with fc8.weight [7, 4096]; it reads 224 x 224 crops, grey in all three channels,
                  (x - pixel_mean) / pixel_std with 0.5 and 0.5 unless the file's metadata says otherwise).

                evaluate: DIR is a split (one folder per class) or a folder holding public-test/. Prints accuracy,
                  per-class accuracy and the confusion matrix, and writes it to --out DIR (default face-evaluation)
                  as confusion.png, confusion.svg and confusion.csv. Each face is classified by the mean softmax of
                  its test-time views:
                  --tta none|mirror|grid  the face alone; face and mirror; or face and mirror, each shifted by
                                       every (dx, dy) in {-S, 0, S}^2 (18 views; the default)
                  --tta-shift S        the grid's shift in px (default 3, face train's --shift)
                  --batch N            images per network call (default 128)
                  --threads N          compute threads (default: all processors)

                predict: prints the emotion distribution of each face image (PNG/JPEG; converted to grey and
                  resized to the network's input size) and of each video (.flv .mp4 .mov .mpg .mpeg .avi .mkv
                  .webm .m4v .wmv): frames decoded with ffmpeg, the face detected (Haar cascade) and tracked,
                  cropped as the video embedder does (margin 0.2, grey, the network's input size), classified
                  in batches in eval mode; the clip's distribution is the mean of the per-frame softmax
                  distributions over the frames with a face. Per clip: frames with a face, the mean
                  distribution, its argmax and, when the file name encodes one (CREMA-D 1001_DFA_ANG_XX.flv,
                  RAVDESS 01-01-07-02-02-01-01.mp4), the label and its FER class (RAVDESS calm has none).
                  --csv FILE           also write one row per input (written atomically)
                  --detect-every K     run the face detector on every K-th video frame (default 2)
                  --batch N            crops per network call (default 32)
                  --threads N          compute threads (default: all processors)
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
        if (a.integer("stop-after", 0) == 0 && !curve.isEmpty()) {
            var views = new Views(true, config.shift());
            var split = Fer2013.load(data.resolve("public-test"), FaceNet.FER_CLASSES, config.limitPerClass());
            var ev = FaceTrainer.evaluate(FaceNet.load(out), split, 128, views);
            progress.message(String.format(Locale.ROOT, "the model on public-test with %s: accuracy %.4f (face evaluate's default)", views.describe(), ev.accuracy()));
        }
        return 0;
    }

    /** The test-time views that --tta and --tta-shift name (default: grid, 3 px). */
    private static Views views(Args a) throws Args.UsageException {
        try {
            return Views.parse(a.string("tta", "grid"), a.integer("tta-shift", 3));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    private static int evaluate(String[] argv) throws Exception {
        var a = new Args("face evaluate", argv, Set.of("model", "data", "out", "threads", "batch", "tta", "tta-shift"), Set.of());
        if (!a.positional().isEmpty()) throw new Args.UsageException("unexpected argument '" + a.positional().get(0) + "'");
        if (a.has("threads")) Parallel.setThreads(a.integer("threads", Parallel.threads()));
        var net = FaceModel.loadClassifier(Path.of(a.required("model")));
        Path data = Path.of(a.required("data"));
        if (Files.isDirectory(data.resolve("public-test"))) data = data.resolve("public-test");
        var split = Fer2013.load(data, net.classes(), 0);
        long t0 = System.nanoTime();
        var views = views(a);
        var ev = FaceTrainer.evaluate(net, split, a.integer("batch", 128), views);
        double secs = (System.nanoTime() - t0) / 1e9;
        var classes = net.classes();
        System.out.printf(Locale.ROOT, "%s: %d images, %s, accuracy %.4f (%.0f images/s)%n", data, ev.total(), views.describe(), ev.accuracy(),
                ev.total() * (double) views.count() / secs);
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

    static final Set<String> VIDEO_EXTENSIONS = Set.of("flv", "mp4", "mov", "mpg", "mpeg", "avi", "mkv", "webm", "m4v", "wmv");

    static boolean isVideo(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot >= 0 && VIDEO_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static int predict(String[] argv) throws Exception {
        var a = new Args("face predict", argv, Set.of("model", "csv", "detect-every", "batch", "threads"), Set.of());
        if (a.positional().isEmpty()) throw new Args.UsageException("give one or more face images or videos");
        if (a.has("threads")) Parallel.setThreads(a.integer("threads", Parallel.threads()));
        int detectEvery = a.integer("detect-every", 2), batch = a.integer("batch", 32);
        if (detectEvery < 1) throw new Args.UsageException("--detect-every must be >= 1, got " + detectEvery);
        if (batch < 1) throw new Args.UsageException("--batch must be >= 1, got " + batch);
        Path modelFile = Path.of(a.required("model"));
        var model = FaceModel.loadClassifier(modelFile);
        var classes = model.classes();
        var files = a.positional().stream().map(Path::of).toList();
        for (Path f : files) if (!Files.isRegularFile(f)) throw new FileNotFoundException(f + ": no such " + (isVideo(f) ? "video" : "image") + " file");

        var csv = new StringBuilder("file,kind,frames,face_frames,predicted,probability,label,label_fer," + String.join(",", classes) + "\n");
        VideoFaces faces = null;
        var opts = VideoFaces.Options.defaults().withDetectEvery(detectEvery);
        int videos = 0, withFace = 0, labelled = 0, matches = 0, failed = 0;
        for (Path f : files) {
            if (!isVideo(f)) {
                int s = model.classifySize();
                float[] p = model.probabilities(Fer2013.readGrey(f, s), 1);
                int best = Metrics.argmax(p, p.length)[0];
                System.out.println(String.format(Locale.ROOT, "%s: %s (%.1f %%) ", f, classes.get(best), 100 * p[best]) + distribution(classes, p));
                var label = ClipLabel.of(f);
                csvRow(csv, f, "image", 1, 1, classes.get(best), p[best], label, p, classes.size());
                continue;
            }
            videos++;
            if (faces == null) faces = new VideoFaces(FaceDetector.frontalFace(), Ffmpeg.system());
            FaceVideo.Reading r;
            try {
                r = FaceVideo.read(model, faces, f, opts, batch);
            } catch (RuntimeException e) {
                failed++;
                System.err.println(f + ": cannot read the video: " + e.getMessage());
                continue;
            }
            String label = r.label().map(l -> "  label " + l.emotion() + " (" + l.dataset() + " " + l.code() + (l.fer().isEmpty() ? ", no FER class"
                    : l.fer().get().equals(l.emotion()) ? "" : ", FER " + l.fer().get()) + ")").orElse("");
            if (!r.hasFace()) {
                System.out.printf(Locale.ROOT, "%s: 0/%d frames with a face: no face found, no reading%s%n", f, r.frames(), label);
                csvRow(csv, f, "video", r.frames(), 0, "", Float.NaN, r.label(), null, classes.size());
                continue;
            }
            withFace++;
            int best = r.argmax();
            String verdict = r.correct().map(c -> c ? "  (match)" : "  (miss)").orElse("");
            if (r.correct().isPresent()) {
                labelled++;
                if (r.correct().get()) matches++;
            }
            System.out.printf(Locale.ROOT, "%s: %d/%d frames with a face: %s (%.1f %%)%s%s  mean%s%n", f, r.faceFrames(), r.frames(), classes.get(best),
                    100 * r.mean()[best], label, verdict, distribution(classes, r.mean()));
            csvRow(csv, f, "video", r.frames(), r.faceFrames(), classes.get(best), r.mean()[best], r.label(), r.mean(), classes.size());
        }
        if (videos > 1)
            System.out.printf(Locale.ROOT, "%d videos, %d with a face; the reading matches the label in %d of %d labelled clips with a FER class%n",
                    videos, withFace, matches, labelled);
        if (a.has("csv")) {
            Path out = Path.of(a.string("csv", ""));
            if (out.getParent() != null) Files.createDirectories(out.getParent());
            TextFiles.writeAtomically(out, csv.toString());
            System.out.println("wrote " + out);
        }
        return failed > 0 ? 1 : 0;
    }

    private static String distribution(List<String> classes, float[] p) {
        var sb = new StringBuilder();
        for (int k = 0; k < p.length; k++) sb.append(String.format(Locale.ROOT, " %s %.3f", classes.get(k), p[k]));
        return sb.toString();
    }

    /** One CSV row; p null (no face): empty probability cells, one per class. */
    private static void csvRow(StringBuilder csv, Path f, String kind, int frames, int faceFrames, String predicted, float prob,
                               Optional<ClipLabel> label, float[] p, int classes) {
        csv.append(csvCell(f.toString())).append(',').append(kind).append(',').append(frames).append(',').append(faceFrames).append(',')
                .append(predicted).append(',').append(Float.isNaN(prob) ? "" : String.format(Locale.ROOT, "%.6f", prob)).append(',')
                .append(label.map(ClipLabel::emotion).orElse("")).append(',').append(label.flatMap(ClipLabel::fer).orElse(""));
        for (int j = 0; j < classes; j++) csv.append(',').append(p == null ? "" : String.format(Locale.ROOT, "%.6f", p[j]));
        csv.append('\n');
    }

    /** A CSV field, quoted when it holds a comma, quote or line break. */
    static String csvCell(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) return v;
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}
