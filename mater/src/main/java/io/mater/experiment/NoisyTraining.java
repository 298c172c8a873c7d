package io.mater.experiment;

import io.mater.data.Dataset;
import io.mater.data.Folds;
import io.mater.engine.Losses;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.io.Json;
import io.mater.model.Mater;
import io.mater.train.Evaluation;
import io.mater.train.FoldTrainer;
import io.mater.train.Progress;
import io.mater.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Mater model = FoldTrainer.newModel(cfg, fold);
        var optimizer = FoldTrainer.newOptimizer(model, cfg);
        var scheduler = FoldTrainer.newScheduler(optimizer, cfg);
        Rng order = FoldTrainer.dataOrder(cfg, fold);
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
        FoldTrainer.saveModel(dir, model, data, fold, Map.of("noisy_training", noisy));
        var result = FoldTrainer.result(fold, train, test, cfg, (System.nanoTime() - started) / 1e9, eval);
        result.put("noisy_training", noisy);
        Json.write(FoldTrainer.resultFile(dir), result);
        return result;
    }
}
