package io.mater.face;

import io.mater.engine.Backends;
import io.mater.engine.Losses;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.io.Json;
import io.mater.engine.io.SafeTensors;
import io.mater.nn.optim.Adam;
import io.mater.nn.optim.CosineAnnealingLR;
import io.mater.train.Metrics;
import io.mater.train.Progress;
import io.mater.train.TextFiles;
import io.mater.vision.GrayImage;
import io.mater.vision.Resize;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a {@link FaceNet} on FER2013's train split, evaluating on public-test after every epoch: AdamW with a
 * cosine schedule (per step, with linear warm-up), random horizontal flips and +-shift px translations (the
 * uncovered border is the mean pixel, i.e. 0 after normalisation), dropout in fc6/fc7. After each epoch it
 * writes a checkpoint (out with suffix .ckpt.safetensors: model, optimiser, generators, curve) and, when
 * public-test accuracy is the best so far, the model itself to out; both atomically. {@code resume} continues
 * from the checkpoint with its saved configuration.
 */
public final class FaceTrainer {
    private FaceTrainer() {}

    public record Config(int epochs, int batch, double lr, double weightDecay, float dropout, int shift,
                         int warmupSteps, double minLr, long seed, int limitPerClass, int widthScale) {
        public Config {
            if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
            if (batch < 2) throw new IllegalArgumentException("--batch must be >= 2 (batch norm), got " + batch);
            if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
            if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
            if (shift < 0 || shift > 16) throw new IllegalArgumentException("--shift must be in [0, 16], got " + shift);
        }

        public static Config defaults() {
            return new Config(15, 64, 1e-3, 0.05, 0.5f, 3, 200, 0, 1, 0, 1);
        }

        Map<String, Object> toMap() {
            var m = new LinkedHashMap<String, Object>();
            m.put("epochs", epochs);
            m.put("batch", batch);
            m.put("lr", lr);
            m.put("weight_decay", weightDecay);
            m.put("dropout", (double) dropout);
            m.put("shift", shift);
            m.put("warmup_steps", warmupSteps);
            m.put("min_lr", minLr);
            m.put("seed", seed);
            m.put("limit_per_class", limitPerClass);
            m.put("width_scale", widthScale);
            return m;
        }

        static Config fromMap(Map<String, Object> m) {
            return new Config(Json.asInt(m.get("epochs"), "epochs"), Json.asInt(m.get("batch"), "batch"), Json.asDouble(m.get("lr"), "lr"),
                    Json.asDouble(m.get("weight_decay"), "weight_decay"), (float) Json.asDouble(m.get("dropout"), "dropout"),
                    Json.asInt(m.get("shift"), "shift"), Json.asInt(m.get("warmup_steps"), "warmup_steps"), Json.asDouble(m.get("min_lr"), "min_lr"),
                    Json.asLong(m.get("seed"), "seed"), Json.asInt(m.get("limit_per_class"), "limit_per_class"),
                    Json.asInt(m.get("width_scale"), "width_scale"));
        }
    }

    /** One epoch's figures. */
    public record EpochResult(int epoch, double trainLoss, double trainAcc, double testAcc, double seconds, double imagesPerSecond, double lr) {
        Map<String, Object> toMap() {
            var m = new LinkedHashMap<String, Object>();
            m.put("epoch", epoch);
            m.put("train_loss", trainLoss);
            m.put("train_acc", trainAcc);
            m.put("test_acc", testAcc);
            m.put("seconds", seconds);
            m.put("images_per_s", imagesPerSecond);
            m.put("lr", lr);
            return m;
        }

        static EpochResult fromMap(Object o) {
            var m = Json.asObject(o, "curve entry");
            return new EpochResult(Json.asInt(m.get("epoch"), "epoch"), Json.asDouble(m.get("train_loss"), "train_loss"),
                    Json.asDouble(m.get("train_acc"), "train_acc"), Json.asDouble(m.get("test_acc"), "test_acc"),
                    Json.asDouble(m.get("seconds"), "seconds"), Json.asDouble(m.get("images_per_s"), "images_per_s"), Json.asDouble(m.get("lr"), "lr"));
        }
    }

    public static Path checkpointPath(Path out) {
        String name = out.getFileName().toString().replaceFirst("\\.safetensors$", "");
        return out.toAbsolutePath().resolveSibling(name + ".ckpt.safetensors");
    }

    public static Path curvePath(Path out) {
        String name = out.getFileName().toString().replaceFirst("\\.safetensors$", "");
        return out.toAbsolutePath().resolveSibling(name + ".curve.csv");
    }

    /**
     * Trains on train/ and evaluates on test/ (FER2013 folder layout); returns the curve. stopAfter &gt; 0 ends
     * this run after that many epochs (the schedule still spans config.epochs(); continue with resume).
     */
    public static List<EpochResult> train(Path trainDir, Path testDir, Config config, Path out, boolean resume, int stopAfter,
                                          Progress progress) throws IOException {
        Path ckpt = checkpointPath(out);
        Files.createDirectories(out.toAbsolutePath().getParent());
        SafeTensors.Contents saved = null;
        if (resume) {
            if (!Files.isRegularFile(ckpt)) throw new FileNotFoundException(ckpt + ": no checkpoint to resume from");
            saved = SafeTensors.read(ckpt);
            if (!"mater-face-checkpoint-1".equals(saved.metadata().get("format")))
                throw new IOException(ckpt + ": not a face-network checkpoint (format " + saved.metadata().get("format") + ")");
            config = Config.fromMap(Json.asObject(Json.parse(saved.metadata().get("config")), "config"));
            progress.message("resuming from " + ckpt + " after epoch " + saved.metadata().get("epoch") + " with its configuration " + config.toMap());
        }
        var classes = FaceNet.FER_CLASSES;
        long t0 = System.nanoTime();
        var train = Fer2013.load(trainDir, classes, config.limitPerClass());
        var test = Fer2013.load(testDir, classes, config.limitPerClass());
        progress.message(String.format(Locale.ROOT, "FER2013: %d train images, %d test images, decoded in %.1f s", train.size(), test.size(), (System.nanoTime() - t0) / 1e9));

        float mean, std;
        if (saved != null) {
            mean = Float.parseFloat(saved.metadata().get("pixel_mean"));
            std = Float.parseFloat(saved.metadata().get("pixel_std"));
        } else {
            double s = 0, ss = 0;
            for (float v : train.pixels()) {
                s += v;
                ss += (double) v * v;
            }
            double n = train.pixels().length;
            mean = (float) (s / n);
            std = (float) Math.sqrt(Math.max(1e-12, ss / n - (s / n) * (s / n)));
        }
        var modelRng = new Rng(config.seed());
        var orderRng = new Rng(config.seed() * 31 + 7);
        var net = new FaceNet(classes, mean, std, config.dropout(), config.widthScale(), modelRng);
        var opt = Adam.adamW(net.namedParameters(), config.lr(), config.weightDecay());
        int stepsPerEpoch = train.size() / config.batch();
        if (stepsPerEpoch == 0) throw new IllegalArgumentException("the train split has " + train.size() + " images, fewer than one batch of " + config.batch());
        var schedule = new CosineAnnealingLR(opt, (long) stepsPerEpoch * config.epochs(), config.warmupSteps(), config.minLr());
        var curve = new ArrayList<EpochResult>();
        int startEpoch = 0;
        double best = -1;
        if (saved != null) {
            var model = new LinkedHashMap<String, Tensor>();
            var optim = new LinkedHashMap<String, Tensor>();
            saved.tensors().forEach((k, v) -> {
                if (k.startsWith("model.")) model.put(k.substring(6), v);
                else if (k.startsWith("optim.")) optim.put(k.substring(6), v);
            });
            net.loadStateDict(model, true);
            opt.loadStateDict(optim);
            var meta = saved.metadata();
            startEpoch = Integer.parseInt(meta.get("epoch"));
            modelRng.setState(longs(meta.get("model_rng")));
            orderRng.setState(longs(meta.get("order_rng")));
            for (Object o : Json.asArray(Json.parse(meta.get("curve")), "curve")) curve.add(EpochResult.fromMap(o));
            best = Double.parseDouble(meta.get("best_test_acc"));
        }

        float[] xb = new float[config.batch() * Fer2013.PIXELS], yb = new float[config.batch()];
        int endEpoch = stopAfter > 0 ? Math.min(config.epochs(), startEpoch + stopAfter) : config.epochs();
        for (int epoch = startEpoch; epoch < endEpoch; epoch++) {
            net.train();
            int[] order = orderRng.permutation(train.size());
            progress.start(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, config.epochs()), stepsPerEpoch);
            long start = System.nanoTime();
            double lossSum = 0;
            long correct = 0, seen = 0;
            double lr = opt.lr();
            for (int step = 0; step < stepsPerEpoch; step++) {
                lr = schedule.apply((long) epoch * stepsPerEpoch + step);
                int b = config.batch();
                for (int i = 0; i < b; i++) {
                    int idx = order[step * b + i];
                    augment(train.pixels(), idx, mean, std, config.shift(), orderRng, xb, i);
                    yb[i] = train.labels()[idx];
                }
                // One step in a CPU memory scope: the next step reuses its arrays (HeapPool).
                try (var scope = Backends.cpu().memoryScope()) {
                    var x = Tensor.of(xb.clone(), b, 1, Fer2013.SIZE, Fer2013.SIZE);
                    var y = Tensor.of(yb.clone(), b);
                    Tensor logits = net.logits(x);
                    Tensor loss = Losses.crossEntropy(logits, y);
                    loss.backward();
                    opt.step();
                    opt.keepState(scope); // AdamW's moments outlive the step
                    net.zeroGrad(); // the gradients are freed with the scope
                    lossSum += loss.item() * b;
                    float[] pred = logits.detach().argmax(1, false).data();
                    for (int i = 0; i < b; i++) if ((int) pred[i] == (int) yb[i]) correct++;
                }
                seen += b;
                double secs = (System.nanoTime() - start) / 1e9;
                progress.update(step + 1, String.format(Locale.ROOT, "loss %.4f acc %.3f %.0f img/s lr %.2e", lossSum / seen, (double) correct / seen, seen / secs, lr));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            var eval = evaluate(net, test, 256);
            var r = new EpochResult(epoch + 1, lossSum / seen, (double) correct / seen, eval.accuracy(), seconds, seen / seconds, lr);
            curve.add(r);
            progress.finish(String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f acc %.4f, public-test acc %.4f, %.0f s, %.1f images/s",
                    r.epoch(), config.epochs(), r.trainLoss(), r.trainAcc(), r.testAcc(), r.seconds(), r.imagesPerSecond()));
            boolean improved = r.testAcc() > best;
            if (improved) {
                best = r.testAcc();
                var extra = new LinkedHashMap<String, String>();
                extra.put("epoch", Integer.toString(r.epoch()));
                extra.put("public_test_accuracy", String.format(Locale.ROOT, "%.4f", r.testAcc()));
                extra.put("train_config", Json.write(config.toMap()));
                net.save(out, extra);
            }
            saveCheckpoint(ckpt, net, opt, config, r.epoch(), modelRng, orderRng, curve, best);
            writeCurve(curvePath(out), curve);
        }
        return curve;
    }

    private static void saveCheckpoint(Path file, FaceNet net, Adam opt, Config config, int epoch, Rng modelRng, Rng orderRng,
                                       List<EpochResult> curve, double best) throws IOException {
        var tensors = new LinkedHashMap<String, Tensor>();
        net.stateDict().forEach((k, v) -> tensors.put("model." + k, v));
        opt.stateDict().forEach((k, v) -> tensors.put("optim." + k, v));
        var meta = new LinkedHashMap<>(net.metadata());
        meta.put("format", "mater-face-checkpoint-1");
        meta.put("epoch", Integer.toString(epoch));
        meta.put("config", Json.write(config.toMap()));
        meta.put("model_rng", Json.write(modelRng.state()));
        meta.put("order_rng", Json.write(orderRng.state()));
        meta.put("best_test_acc", Double.toString(best));
        var list = new ArrayList<Object>();
        for (var r : curve) list.add(r.toMap());
        meta.put("curve", Json.write(list));
        SafeTensors.write(file, tensors, meta);
    }

    private static void writeCurve(Path file, List<EpochResult> curve) throws IOException {
        var sb = new StringBuilder("epoch,train_loss,train_acc,test_acc,seconds,images_per_s,lr\n");
        for (var r : curve)
            sb.append(String.format(Locale.ROOT, "%d,%.5f,%.5f,%.5f,%.1f,%.2f,%.3e%n", r.epoch(), r.trainLoss(), r.trainAcc(), r.testAcc(), r.seconds(), r.imagesPerSecond(), r.lr()));
        TextFiles.writeAtomically(file, sb.toString());
    }

    private static long[] longs(String json) {
        var list = Json.asArray(Json.parse(json), "rng state");
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = Json.asLong(list.get(i), "rng state");
        return out;
    }

    /**
     * Image idx of pixels [n, 48, 48], normalised, randomly flipped and shifted by up to +-shift px, into slot i
     * of out [b, 48, 48]. Cells shifted in from outside the image are 0 (the mean pixel).
     */
    static void augment(float[] pixels, int idx, float mean, float std, int shift, Rng rng, float[] out, int i) {
        boolean flip = rng.nextInt(2) == 1;
        int dx = shift == 0 ? 0 : rng.nextInt(2 * shift + 1) - shift, dy = shift == 0 ? 0 : rng.nextInt(2 * shift + 1) - shift;
        Views.shifted(pixels, idx, flip, dx, dy, mean, out, i);
        float inv = 1f / std;
        for (int p = i * Fer2013.PIXELS, end = p + Fer2013.PIXELS; p < end; p++) out[p] = (out[p] - mean) * inv;
    }

    /** Accuracy and confusion matrix (rows: true class, columns: predicted). */
    public record Evaluation(List<String> classes, int[][] confusion) {
        public int total() {
            int t = 0;
            for (int[] row : confusion) for (int v : row) t += v;
            return t;
        }

        public double accuracy() {
            int c = 0;
            for (int k = 0; k < confusion.length; k++) c += confusion[k][k];
            return (double) c / Math.max(1, total());
        }

        /** Recall of each class (NaN for a class with no images). */
        public double[] perClassAccuracy() {
            double[] a = new double[confusion.length];
            for (int k = 0; k < a.length; k++) {
                int n = 0;
                for (int v : confusion[k]) n += v;
                a[k] = n == 0 ? Double.NaN : (double) confusion[k][k] / n;
            }
            return a;
        }
    }

    /** {@link #evaluate(FaceModel, Fer2013, int, Views)} with the face alone (what training selects on). */
    public static Evaluation evaluate(FaceModel model, Fer2013 data, int batch) {
        return evaluate(model, data, batch, Views.SINGLE);
    }

    /**
     * Evaluates either layout ({@link FaceModel}, eval mode, no autograd) on a split in batches, predicting the
     * class whose softmax probability, averaged over the views of each face, is largest. A network whose
     * classification size is not 48 gets the views resized ({@link Resize#linearExact}).
     */
    public static Evaluation evaluate(FaceModel model, Fer2013 data, int batch, Views views) {
        if (!model.classes().equals(data.classes()))
            throw new IllegalArgumentException("the network's classes " + model.classes() + " differ from the data's " + data.classes());
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        int k = model.classes().size();
        int[][] confusion = new int[k][k];
        for (int from = 0; from < data.size(); from += batch) {
            int b = Math.min(batch, data.size() - from);
            float[] view = new float[b * Fer2013.PIXELS], mean = new float[b * k];
            for (int v = 0; v < views.count(); v++) {
                for (int i = 0; i < b; i++) views.write(v, data.pixels(), from + i, model.pixelMean(), view, i);
                float[] p = probabilities(model, view, b);
                for (int j = 0; j < p.length; j++) mean[j] += p[j];
            }
            int[] pred = Metrics.argmax(mean, k);
            for (int i = 0; i < b; i++) confusion[data.labels()[from + i]][pred[i]]++;
        }
        return new Evaluation(model.classes(), confusion);
    }

    /** The model's class probabilities [b, classes] of grey faces [b, 48, 48] on [0, 1]. */
    private static float[] probabilities(FaceModel model, float[] faces, int b) {
        int s = model.classifySize();
        if (s == Fer2013.SIZE) return model.probabilities(faces, b);
        float[] x = new float[b * s * s];
        for (int i = 0; i < b; i++) {
            var img = new byte[Fer2013.PIXELS];
            for (int p = 0; p < img.length; p++) img[p] = (byte) Math.round(faces[i * Fer2013.PIXELS + p] * 255f);
            var big = Resize.linearExact(new GrayImage(Fer2013.SIZE, Fer2013.SIZE, img), s, s);
            System.arraycopy(big.toFloat(1f / 255f), 0, x, i * s * s, s * s);
        }
        return model.probabilities(x, b);
    }
}
