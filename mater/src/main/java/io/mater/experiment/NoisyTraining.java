package io.mater.experiment;

import io.mater.data.Dataset;
import io.mater.data.Folds;
import io.mater.engine.Losses;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.io.Json;
import io.mater.model.Mater;
import io.mater.model.ModelFile;
import io.mater.nn.optim.Adam;
import io.mater.nn.optim.ReduceLROnPlateau;
import io.mater.train.Evaluation;
import io.mater.train.FoldTrainer;
import io.mater.train.Progress;
import io.mater.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Training with noisy windows (paper Section 5.2, Algorithm 1): the same optimisation as 'mater train', but
 * at every iteration a number T_noisy is drawn uniformly from {1, ..., T/2} and, in every clip of the batch,
 * T_noisy windows at random positions of the noisy modality (audio, video or both) are replaced by Gaussian
 * noise. Writes model.safetensors and result.json (clean test accuracy) into the fold folder.
 */
public final class NoisyTraining {
    private NoisyTraining() {}

    public static Map<String, Object> run(Dataset data, Folds.Fold fold, TrainConfig cfg, Path dir, String noisy, Noise.Stats[] stats,
                                          Progress progress) throws IOException {
        boolean noisyAudio = noisy.equals("audio") || noisy.equals("both"), noisyVideo = noisy.equals("video") || noisy.equals("both");
        if (!noisyAudio && !noisyVideo) throw new IllegalArgumentException("noisy modality must be audio, video or both, got '" + noisy + "'");
        Files.createDirectories(dir);
        long started = System.nanoTime();
        Dataset train = data.subset(fold.train()), test = data.subset(fold.test());
        Mater model = new Mater(cfg.model(), new Rng(cfg.seed() * 1_000_003L + fold.index()));
        var optimizer = new Adam(model.namedParameters(), cfg.lr(), 0.9, 0.999, 1e-8, cfg.weightDecay(), false);
        var scheduler = new ReduceLROnPlateau(optimizer, ReduceLROnPlateau.Mode.MIN, cfg.factor(), cfg.patience(), 1e-4,
                ReduceLROnPlateau.ThresholdMode.REL, 0, 0, 1e-8);
        Rng order = new Rng(cfg.seed() * 7_919L + 31L * fold.index() + 1);
        Rng noise = new Rng(cfg.seed() * 104_729L + 17L * fold.index() + noisy.hashCode());
        int t = data.windows(), maxNoisy = Math.max(1, t / 2), n = train.size();
        for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
            model.train();
            int[] perm = order.permutation(n);
            double lossSum = 0;
            for (int from = 0; from < n; from += cfg.batch()) {
                int[] idx = java.util.Arrays.copyOfRange(perm, from, Math.min(n, from + cfg.batch()));
                int tNoisy = 1 + noise.nextInt(maxNoisy);
                Tensor a = model.audio() != null ? train.audio().indexSelect(0, idx) : null;
                Tensor v = model.video() != null ? train.video().indexSelect(0, idx) : null;
                if (noisyAudio && a != null) a = Noise.replace(a, tNoisy, stats[0], noise);
                if (noisyVideo && v != null) v = Noise.replace(v, tNoisy, stats[1], noise);
                float[] lab = new float[idx.length];
                for (int i = 0; i < idx.length; i++) lab[i] = train.labels()[idx[i]];
                Tensor loss = Losses.crossEntropy(model.forward(a, v).logits(), Tensor.of(lab, lab.length));
                loss.backward();
                optimizer.step();
                optimizer.zeroGrad();
                lossSum += loss.item() * idx.length;
            }
            scheduler.step(lossSum / n);
        }
        var eval = Evaluation.of(model, test, true);
        var extra = new LinkedHashMap<String, String>();
        extra.put("windows", Integer.toString(t));
        extra.put("window_seconds", Double.toString(data.windowSeconds()));
        extra.put("dataset", data.name());
        extra.put("fold", Integer.toString(fold.index()));
        extra.put("noisy_training", noisy);
        ModelFile.save(dir.resolve("model.safetensors"), model, data.classes(), extra);
        var result = new LinkedHashMap<String, Object>();
        result.put("fold", fold.index());
        result.put("test_subjects", fold.testSubjects());
        result.put("train_clips", train.size());
        result.put("test_clips", test.size());
        result.put("epochs", cfg.epochs());
        result.put("noisy_training", noisy);
        result.put("seconds", (System.nanoTime() - started) / 1e9);
        result.put("test", eval.toJson());
        Json.write(FoldTrainer.resultFile(dir), result);
        return result;
    }
}
