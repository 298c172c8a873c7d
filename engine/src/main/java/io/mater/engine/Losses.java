package io.mater.engine;

/** Loss functions, each beside its backward. */
public final class Losses {
    private Losses() {}

    public enum Reduction { MEAN, SUM, NONE }

    /** PyTorch's default ignore_index. */
    public static final int IGNORE_INDEX = -100;

    /** Cross entropy of logits [N, C] with integer labels [N] (stored as floats), mean over the batch. */
    public static Tensor crossEntropy(Tensor logits, Tensor labels) {
        return crossEntropy(logits, labels, Reduction.MEAN, IGNORE_INDEX);
    }

    // loss_i = logsumexp(z_i) - z_i[y_i].  dz_i = g_i (softmax(z_i) - onehot(y_i))
    public static Tensor crossEntropy(Tensor logits, Tensor labels, Reduction reduction, int ignoreIndex) {
        if (logits.dim() != 2) throw new IllegalArgumentException("cross_entropy needs logits [N, C], got " + Shape.str(logits.shape));
        if (labels.dim() != 1 || labels.shape[0] != logits.shape[0])
            throw new IllegalArgumentException("cross_entropy: labels " + Shape.str(labels.shape) + " do not match logits " + Shape.str(logits.shape) + " (expected [" + logits.shape[0] + "])");
        final int n = Math.max(checkLabels(labels, logits.shape[1], ignoreIndex), 1);
        var be = Backends.common(logits, labels);
        Tensor[] r = be.crossEntropy(logits, labels, ignoreIndex);
        Tensor perSample = r[0], logp = r[1];
        Tensor out = switch (reduction) {
            case NONE -> perSample;
            case SUM -> be.reduce(ReduceOp.SUM, perSample, new int[] {0}, false);
            case MEAN -> be.unary(UnaryOp.AFFINE, be.reduce(ReduceOp.SUM, perSample, new int[] {0}, false), 1f / n, 0f);
        };
        return Autograd.record(out, "cross_entropy", g -> {
            Tensor gs = switch (reduction) {
                case NONE -> g;
                case SUM -> g.expand(logits.shape[0]);
                case MEAN -> be.unary(UnaryOp.AFFINE, g, 1f / n, 0f).expand(logits.shape[0]);
            };
            return new Tensor[] {be.crossEntropyBackward(logp, labels, gs, ignoreIndex), null};
        }, logits, labels);
    }

    /** Negative log-likelihood of log-probabilities [N, C] at integer labels [N], mean over the batch. */
    public static Tensor nllLoss(Tensor logProbs, Tensor labels) {
        if (logProbs.dim() != 2 || labels.dim() != 1 || labels.shape[0] != logProbs.shape[0])
            throw new IllegalArgumentException("nll_loss needs log-probs [N, C] and labels [N], got " + Shape.str(logProbs.shape) + " and " + Shape.str(labels.shape));
        checkLabels(labels, logProbs.shape[1], IGNORE_INDEX);
        int n = logProbs.shape[0], c = logProbs.shape[1];
        float[] lab = labels.toArray();
        float[] onehot = new float[n * c];
        int counted = 0;
        for (int i = 0; i < n; i++) {
            int l = (int) lab[i];
            if (l == IGNORE_INDEX) continue;
            onehot[i * c + l] = 1f;
            counted++;
        }
        Tensor mask = Backends.of(logProbs.device()).upload(Tensor.of(onehot, n, c));
        return logProbs.mul(mask).sum().mul(-1f / Math.max(counted, 1));
    }

    /** Checks that labels are class indices (or ignoreIndex); returns how many are not ignored. */
    private static int checkLabels(Tensor labels, int classes, int ignoreIndex) {
        float[] lab = labels.toArray();
        int counted = 0;
        for (int i = 0; i < lab.length; i++) {
            float l = lab[i];
            if (l != Math.rint(l) || ((int) l != ignoreIndex && (l < 0 || l >= classes)))
                throw new IllegalArgumentException("label " + l + " at index " + i + " is not a class index in [0, " + classes + ")");
            if ((int) l != ignoreIndex) counted++;
        }
        return counted;
    }
}
