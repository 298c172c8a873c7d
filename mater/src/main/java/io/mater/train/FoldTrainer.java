package io.mater.train;

import io.mater.data.Dataset;
import io.mater.data.Folds;
import io.mater.engine.Backends;
import io.mater.engine.Device;
import io.mater.engine.Losses;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.io.Json;
import io.mater.model.Mater;
import io.mater.model.ModelFile;
import io.mater.nn.optim.Adam;
import io.mater.nn.optim.ReduceLROnPlateau;
import io.mater.plot.Charts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains and evaluates MATER on one subject-disjoint fold (paper Section 4.1): Adam on the cross-entropy of
 * the fused logits, mini-batches in a seeded random order, ReduceLROnPlateau on the epoch's training loss.
 * The test fold is evaluated after every epoch for the curve; the reported result is the last epoch's
 * (the test fold is never used to select a model). A checkpoint is written atomically after each epoch.
 *
 * <p>Files in the fold's directory: checkpoint.safetensors, model.safetensors, result.json, curve.csv,
 * confusion-{av,a,v}.csv and the figures curve.{png,svg} and confusion.{png,svg}.
 */
public final class FoldTrainer {
    private FoldTrainer() {}

    /** Tests set this to simulate an interruption right after the checkpoint of that epoch (-1: never). */
    static volatile int interruptAfterEpochForTests = -1;

    /** Thrown when a test interrupts training. */
    static final class Interrupted extends RuntimeException {
        Interrupted(int epoch) {
            super("training interrupted after epoch " + epoch);
        }
    }

    public static Path resultFile(Path foldDir) {
        return foldDir.resolve("result.json");
    }

    /** Trains fold on the CPU (resuming from its checkpoint when resume and one exists) and writes its files. */
    public static Map<String, Object> run(Dataset data, Folds.Fold fold, TrainConfig cfg, Path dir, Progress progress, boolean resume)
            throws IOException {
        return run(data, fold, cfg, dir, progress, resume, Device.CPU);
    }

    /**
     * Trains fold on device: the model, its gradients and the optimiser state live there; each step runs in a
     * memory scope that frees its activations and gradients when it ends; the peak is reported.
     */
    public static Map<String, Object> run(Dataset data, Folds.Fold fold, TrainConfig cfg, Path dir, Progress progress, boolean resume,
                                          Device device) throws IOException {
        Files.createDirectories(dir);
        long started = System.nanoTime();
        Dataset train = data.subset(fold.train()), test = data.subset(fold.test());
        Mater model = newModel(cfg, fold);
        model.to(device);
        var optimizer = newOptimizer(model, cfg);
        var scheduler = newScheduler(optimizer, cfg);
        Rng order = dataOrder(cfg, fold);
        var curve = new ArrayList<Object>();
        int startEpoch = 1;
        Path ckpt = dir.resolve("checkpoint.safetensors");
        if (resume && Files.exists(ckpt)) {
            var c = Checkpoint.load(ckpt);
            model.loadStateDict(c.model(), true);
            optimizer.loadStateDict(c.optimizer());
            optimizer.setLr(c.lr());
            scheduler.loadState(c.scheduler());
            model.rng.setState(c.modelRng());
            order.setState(c.orderRng());
            curve.addAll(c.curve());
            startEpoch = c.epoch() + 1;
            progress.message(String.format(Locale.ROOT, "fold %d: resuming after epoch %d", fold.index() + 1, c.epoch()));
        }
        String label = String.format(Locale.ROOT, "fold %d/%d", fold.index() + 1, cfg.folds());
        progress.start(label, cfg.epochs());
        for (int epoch = startEpoch; epoch <= cfg.epochs(); epoch++) {
            long t0 = System.nanoTime();
            double[] lossAcc = trainEpoch(model, optimizer, train, cfg.batch(), order);
            scheduler.step(lossAcc[0]);
            var eval = Evaluation.of(model, test, false);
            var row = new LinkedHashMap<String, Object>();
            row.put("epoch", epoch);
            row.put("lr", optimizer.lr());
            row.put("train_loss", lossAcc[0]);
            row.put("train_acc", lossAcc[1]);
            row.put("test_loss", eval.loss());
            eval.accuracy().forEach((k, v) -> row.put("test_acc_" + k, v));
            row.put("seconds", (System.nanoTime() - t0) / 1e9);
            curve.add(row);
            Checkpoint.save(ckpt, epoch, model, optimizer, scheduler, order.state(), curve);
            if (epoch == interruptAfterEpochForTests) throw new Interrupted(epoch);
            progress.update(epoch, String.format(Locale.ROOT, "loss %.3f acc %.1f%% test %.1f%%", lossAcc[0], 100 * lossAcc[1], 100 * eval.accuracy().get("av")));
        }
        var eval = Evaluation.of(model, test, true);
        double seconds = (System.nanoTime() - started) / 1e9;
        saveModel(dir, model, data, fold, Map.of());
        var result = result(fold, train, test, cfg, seconds, eval);
        result.put("curve", curve);
        if (!device.isCpu()) {
            result.put("device", device.toString());
            result.put("device_peak_bytes", Backends.of(device).memoryPeak());
            progress.message(String.format(Locale.ROOT, "%s: peak device memory %.1f MiB (since the device was opened)", label, Backends.of(device).memoryPeak() / 1048576.0));
        }
        writeCurveCsv(dir.resolve("curve.csv"), curve);
        for (var e : eval.confusion().entrySet()) writeConfusionCsv(dir.resolve("confusion-" + e.getKey() + ".csv"), data.classes(), e.getValue());
        writeFigures(dir, data.classes(), eval, curve, fold.index());
        Json.write(resultFile(dir), result);
        // the fold is complete (result.json marks it for --resume); its training checkpoint (model, Adam moments,
        // scheduler and data-order state) has served its purpose and would only cost disk space
        Files.deleteIfExists(ckpt);
        progress.finish(String.format(Locale.ROOT, "%s: AV %.1f%%%s%s  (%.0f s)", label, 100 * eval.accuracy().get("av"),
                eval.accuracy().containsKey("a") ? String.format(Locale.ROOT, "  A %.1f%%", 100 * eval.accuracy().get("a")) : "",
                eval.accuracy().containsKey("v") ? String.format(Locale.ROOT, "  V %.1f%%", 100 * eval.accuracy().get("v")) : "", seconds));
        return result;
    }

    // ------------------------------------------------------------------ one fold's set-up and outputs
    // (shared with the experiments' noisy retraining, so that both draw the same initialisation and data order)

    /** The fold's freshly initialised model (seeded by the run's seed and the fold). */
    public static Mater newModel(TrainConfig cfg, Folds.Fold fold) {
        return new Mater(cfg.model(), new Rng(cfg.seed() * 1_000_003L + fold.index()));
    }

    /** Adam with the run's learning rate and weight decay (L2, as the paper's PyTorch Adam). */
    public static Adam newOptimizer(Mater model, TrainConfig cfg) {
        return new Adam(model.namedParameters(), cfg.lr(), 0.9, 0.999, 1e-8, cfg.weightDecay(), false);
    }

    /** ReduceLROnPlateau on the training loss with the run's factor and patience. */
    public static ReduceLROnPlateau newScheduler(Adam optimizer, TrainConfig cfg) {
        return new ReduceLROnPlateau(optimizer, ReduceLROnPlateau.Mode.MIN, cfg.factor(), cfg.patience(), 1e-4,
                ReduceLROnPlateau.ThresholdMode.REL, 0, 0, 1e-8);
    }

    /** The generator of the fold's data order. */
    public static Rng dataOrder(TrainConfig cfg, Folds.Fold fold) {
        return new Rng(cfg.seed() * 7_919L + 31L * fold.index() + 1);
    }

    /** Writes dir/model.safetensors with the data's windows, dataset and fold in its metadata, plus more. */
    public static void saveModel(Path dir, Mater model, Dataset data, Folds.Fold fold, Map<String, String> more) throws IOException {
        var extra = new LinkedHashMap<String, String>();
        extra.put("windows", Integer.toString(data.windows()));
        extra.put("window_seconds", Double.toString(data.windowSeconds()));
        extra.put("dataset", data.name());
        extra.put("fold", Integer.toString(fold.index()));
        extra.putAll(more);
        ModelFile.save(dir.resolve("model.safetensors"), model, data.classes(), extra);
    }

    /** The start of a fold's result.json: the split, the epochs, the time and the test evaluation. */
    public static LinkedHashMap<String, Object> result(Folds.Fold fold, Dataset train, Dataset test, TrainConfig cfg, double seconds,
                                                       Evaluation eval) {
        var result = new LinkedHashMap<String, Object>();
        result.put("fold", fold.index());
        result.put("test_subjects", fold.testSubjects());
        result.put("train_clips", train.size());
        result.put("test_clips", test.size());
        result.put("epochs", cfg.epochs());
        result.put("seconds", seconds);
        result.put("test", eval.toJson());
        return result;
    }

    /** The device the model's parameters live on. */
    static Device deviceOf(Mater model) {
        var ps = model.parameters();
        return ps.isEmpty() ? Device.CPU : ps.get(0).device();
    }

    /**
     * One pass over train in a random order on the model's device; returns {mean loss, accuracy} of the
     * fused prediction. Only the loss and the logits come back to the host (for the log).
     */
    static double[] trainEpoch(Mater model, Adam optimizer, Dataset train, int batch, Rng order) {
        model.train();
        Device device = deviceOf(model);
        var backend = Backends.of(device);
        int n = train.size();
        int[] perm = order.permutation(n);
        double lossSum = 0;
        int correct = 0;
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            int[] idx = java.util.Arrays.copyOfRange(perm, from, to);
            float[] lab = new float[idx.length];
            for (int i = 0; i < idx.length; i++) lab[i] = train.labels()[idx[i]];
            try (var scope = backend.memoryScope()) {
                Tensor a = model.audio() != null ? train.audio().indexSelect(0, idx).to(device) : null;
                Tensor v = model.video() != null ? train.video().indexSelect(0, idx).to(device) : null;
                var out = model.forward(a, v);
                Tensor loss = Losses.crossEntropy(out.logits(), Tensor.of(lab, lab.length).to(device));
                loss.backward();
                optimizer.step();
                optimizer.keepState(scope); // Adam's moments outlive the step
                optimizer.zeroGrad();
                lossSum += loss.item() * idx.length;
                int[] pred = Metrics.argmax(out.logits().detach());
                for (int i = 0; i < idx.length; i++) if (pred[i] == (int) lab[i]) correct++;
            }
        }
        return new double[] {lossSum / n, (double) correct / n};
    }

    static void writeCurveCsv(Path file, List<Object> curve) throws IOException {
        var sb = new StringBuilder();
        List<String> cols = null;
        for (Object o : curve) {
            @SuppressWarnings("unchecked")
            var row = (Map<String, Object>) o;
            if (cols == null) {
                cols = new ArrayList<>(row.keySet());
                sb.append(String.join(",", cols)).append('\n');
            }
            var vals = new ArrayList<String>();
            for (String c : cols) vals.add(String.valueOf(row.get(c)));
            sb.append(String.join(",", vals)).append('\n');
        }
        TextFiles.writeAtomically(file, sb.toString());
    }

    static void writeConfusionCsv(Path file, List<String> classes, int[][] m) throws IOException {
        var sb = new StringBuilder("true\\predicted");
        for (String c : classes) sb.append(',').append(c);
        sb.append('\n');
        for (int t = 0; t < classes.size(); t++) {
            sb.append(classes.get(t));
            for (int p = 0; p < classes.size(); p++) sb.append(',').append(m[t][p]);
            sb.append('\n');
        }
        TextFiles.writeAtomically(file, sb.toString());
    }

    static void writeFigures(Path dir, List<String> classes, Evaluation eval, List<Object> curve, int fold) throws IOException {
        int n = curve.size();
        double[] x = new double[n], trainLoss = new double[n], testLoss = new double[n];
        var acc = new LinkedHashMap<String, double[]>();
        for (int i = 0; i < n; i++) {
            @SuppressWarnings("unchecked")
            var row = (Map<String, Object>) curve.get(i);
            x[i] = ((Number) row.get("epoch")).doubleValue();
            trainLoss[i] = ((Number) row.get("train_loss")).doubleValue();
            testLoss[i] = ((Number) row.get("test_loss")).doubleValue();
            for (String k : List.of("av", "a", "v")) {
                Object v = row.get("test_acc_" + k);
                if (v != null) acc.computeIfAbsent(k, kk -> new double[n])[i] = 100 * ((Number) v).doubleValue();
            }
        }
        var series = new ArrayList<Charts.Series>();
        series.add(new Charts.Series("train loss", trainLoss, null, false, Charts.OTHER));
        series.add(new Charts.Series("test loss", testLoss, null, true, Charts.OTHER));
        Charts.save(Charts.lines("Fold " + (fold + 1) + ": loss", "epoch", "cross-entropy", x, series), dir.resolve("curve-loss"));
        var accSeries = new ArrayList<Charts.Series>();
        acc.forEach((k, v) -> accSeries.add(new Charts.Series(k.toUpperCase(Locale.ROOT) + " test accuracy", v)));
        Charts.save(Charts.lines("Fold " + (fold + 1) + ": test accuracy", "epoch", "accuracy (%)", x, accSeries), dir.resolve("curve-accuracy"));
        Charts.save(Charts.confusion("Fold " + (fold + 1) + ": AV confusion (% of true class)", classes, eval.confusion().get("av")), dir.resolve("confusion"));
    }
}
