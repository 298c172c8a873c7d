package io.mater.experiment;

import io.mater.engine.Autograd;
import io.mater.engine.Tensor;
import io.mater.model.Branch;
import io.mater.model.Mater;
import java.util.ArrayList;
import java.util.List;

/** Inference helpers for the analyses: per-branch logits in eval mode, fusion as in Eq. 5, argmax. */
final class Predict {
    private Predict() {}

    static final int BATCH = 256;

    /** Logits [N, C] (flat, row-major) of one branch on x [N, T, d], in batches; null when branch is null. */
    static float[] branch(Branch branch, Tensor x) {
        if (branch == null) return null;
        if (x == null) throw new IllegalArgumentException("the model has this branch but the data lacks its modality");
        branch.eval();
        int n = x.size(0);
        float[] out = null;
        try (var ignored = Autograd.noGrad()) {
            for (int from = 0; from < n; from += BATCH) {
                int to = Math.min(n, from + BATCH);
                float[] l = branch.forward(x.narrow(0, from, to - from).contiguous(), null, false, false).logits().toArray();
                if (out == null) out = new float[n * (l.length / (to - from))];
                System.arraycopy(l, 0, out, from * (l.length / (to - from)), l.length);
            }
        }
        return out;
    }

    /** The fused logits: the mean of the branches' logits, or the one branch (as Mater.forward). */
    static float[] fuse(float[] a, float[] v) {
        if (a == null) return v;
        if (v == null) return a;
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) out[i] = (a[i] + v[i]) * 0.5f;
        return out;
    }

    static int[] argmax(float[] logits, int classes) {
        return logits == null ? null : io.mater.train.Metrics.argmax(logits, classes);
    }

    static int correct(int[] pred, int[] labels) {
        int c = 0;
        for (int i = 0; i < labels.length; i++) if (pred[i] == labels[i]) c++;
        return c;
    }

    /** Predictions [a, v, av] (null for a branch the model lacks) on the given inputs. */
    static int[][] streams(Mater model, Tensor audio, Tensor video) {
        int c = model.config.classes();
        float[] a = model.audio() != null ? branch(model.audio(), audio) : null;
        float[] v = model.video() != null ? branch(model.video(), video) : null;
        return new int[][] {argmax(a, c), argmax(v, c), argmax(fuse(a, v), c)};
    }

    /** Per layer, the attention weights [B, H, T, T] of a branch on x (eval mode). */
    static List<Tensor> weights(Branch branch, Tensor x) {
        branch.eval();
        var out = new ArrayList<Tensor>();
        try (var ignored = Autograd.noGrad()) {
            out.addAll(branch.forward(x, null, false, true).weights());
        }
        return out;
    }

    static final String[] STREAMS = {"a", "v", "av"};
}
