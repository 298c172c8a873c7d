package io.mater.train;

import io.mater.data.Dataset;
import io.mater.engine.Autograd;
import io.mater.engine.Losses;
import io.mater.engine.MemoryScope;
import io.mater.engine.Tensor;
import io.mater.model.Mater;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained model measured on a set of clips: accuracy and confusion of the fused (AV) prediction and of
 * each branch (A, V), the mean entropy of each branch's predictive distribution and their difference
 * (Table 1), the KL divergence between the branches, and the embedding entropy after every encoder layer
 * (Eq. 6; index 0 is the input).
 */
public record Evaluation(int clips, double loss, Map<String, Double> accuracy, Map<String, int[][]> confusion,
                         Map<String, Double> entropy, double klAudioVideo, double klVideoAudio,
                         Map<String, double[]> layerEntropy, Map<String, float[]> logits) {

    /** Evaluates model (in eval mode, no grad) on data, in batches; keeps the logits for predictions. */
    public static Evaluation of(Mater model, Dataset data, boolean layerEntropies) {
        boolean wasTraining = model.isTraining();
        model.eval();
        int n = data.size(), c = data.classes().size(), batch = 256;
        var logits = new LinkedHashMap<String, float[]>();
        List<String> streams = new ArrayList<>();
        streams.add("av");
        if (model.audio() != null) streams.add("a");
        if (model.video() != null) streams.add("v");
        for (String s : streams) logits.put(s, new float[n * c]);
        int layers = model.config.layers() + 1;
        double[][] layerSums = {new double[layers], new double[layers]};
        double lossSum = 0;
        var device = FoldTrainer.deviceOf(model);
        var backend = io.mater.engine.Backends.of(device);
        try (var ignored = Autograd.noGrad()) {
            for (int from = 0; from < n; from += batch) {
                // A scope frees this batch's device memory. Not on the CPU: there a no-grad batch's intermediates die
                // as they go, and a heap scope would hold them all (about 1 GB at batch 256, paper size) to its end.
                try (var scope = device.isCpu() ? MemoryScope.NONE : backend.memoryScope()) {
                    int to = Math.min(n, from + batch);
                    int[] idx = new int[to - from];
                    for (int i = 0; i < idx.length; i++) idx[i] = from + i;
                    Tensor a = model.audio() != null ? data.audio().indexSelect(0, idx).to(device) : null;
                    Tensor v = model.video() != null ? data.video().indexSelect(0, idx).to(device) : null;
                    var out = model.forward(a, v, null, layerEntropies, false);
                    float[] lab = new float[idx.length];
                    for (int i = 0; i < idx.length; i++) lab[i] = data.labels()[from + i];
                    lossSum += Losses.crossEntropy(out.logits(), Tensor.of(lab, lab.length).to(device)).item() * idx.length;
                    copy(out.logits(), logits.get("av"), from * c);
                    if (out.audio() != null) copy(out.audioLogits(), logits.get("a"), from * c);
                    if (out.video() != null) copy(out.videoLogits(), logits.get("v"), from * c);
                    if (layerEntropies) {
                        for (int m = 0; m < 2; m++) {
                            var branch = m == 0 ? out.audio() : out.video();
                            if (branch == null) continue;
                            for (int l = 0; l < layers; l++) layerSums[m][l] += Metrics.embeddingEntropy(branch.hidden().get(l)) * idx.length;
                        }
                    }
                }
            }
        } finally {
            model.train(wasTraining);
        }
        var acc = new LinkedHashMap<String, Double>();
        var conf = new LinkedHashMap<String, int[][]>();
        var probs = new LinkedHashMap<String, double[][]>();
        for (var e : logits.entrySet()) {
            Tensor t = Tensor.of(e.getValue(), n, c);
            int[] pred = Metrics.argmax(t);
            acc.put(e.getKey(), Metrics.accuracy(pred, data.labels()));
            conf.put(e.getKey(), Metrics.confusion(pred, data.labels(), c));
            probs.put(e.getKey(), Metrics.softmax(t));
        }
        var ent = new LinkedHashMap<String, Double>();
        if (probs.containsKey("a")) ent.put("a", Metrics.meanEntropy(probs.get("a")));
        if (probs.containsKey("v")) ent.put("v", Metrics.meanEntropy(probs.get("v")));
        if (ent.size() == 2) ent.put("a-v", ent.get("a") - ent.get("v"));
        double klAV = Double.NaN, klVA = Double.NaN;
        if (probs.containsKey("a") && probs.containsKey("v")) {
            klAV = Metrics.meanKl(probs.get("a"), probs.get("v"));
            klVA = Metrics.meanKl(probs.get("v"), probs.get("a"));
        }
        var layerEnt = new LinkedHashMap<String, double[]>();
        if (layerEntropies) {
            if (model.audio() != null) layerEnt.put("a", scale(layerSums[0], 1.0 / n));
            if (model.video() != null) layerEnt.put("v", scale(layerSums[1], 1.0 / n));
        }
        return new Evaluation(n, lossSum / Math.max(n, 1), acc, conf, ent, klAV, klVA, layerEnt, logits);
    }

    private static void copy(Tensor t, float[] dst, int off) {
        float[] d = t.toArray();
        System.arraycopy(d, 0, dst, off, d.length);
    }

    private static double[] scale(double[] v, double f) {
        double[] r = v.clone();
        for (int i = 0; i < r.length; i++) r[i] *= f;
        return r;
    }

    /** The measures as JSON-ready maps (logits left out). */
    public Map<String, Object> toJson() {
        var m = new LinkedHashMap<String, Object>();
        m.put("clips", clips);
        m.put("loss", loss);
        m.put("accuracy", accuracy);
        m.put("entropy", entropy);
        if (!Double.isNaN(klAudioVideo)) {
            m.put("kl_a_v", klAudioVideo);
            m.put("kl_v_a", klVideoAudio);
        }
        if (!layerEntropy.isEmpty()) m.put("layer_entropy", layerEntropy);
        m.put("confusion", confusion);
        return m;
    }
}
