package io.mater.engine;

import java.util.Arrays;

/** layer_norm, batch_norm and local_response_norm (fused kernels), each beside its backward. */
public final class Normalization {
    private Normalization() {}

    // y = (x - mean) * rstd * w + b over the trailing normalizedShape.  Fused backward gives dx, dw, db.
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps) {
        int k = normalizedShape.length;
        if (k == 0 || k > x.dim())
            throw new IllegalArgumentException("layer_norm: normalized shape " + Arrays.toString(normalizedShape) + " does not fit input " + Shape.str(x.shape));
        for (int i = 0; i < k; i++)
            if (x.shape[x.dim() - k + i] != normalizedShape[i])
                throw new IllegalArgumentException("layer_norm: input " + Shape.str(x.shape) + " does not end in normalized shape " + Arrays.toString(normalizedShape));
        int cols = Shape.numelInt(normalizedShape);
        for (var p : new Tensor[] {weight, bias})
            if (p != null && p.numel() != cols)
                throw new IllegalArgumentException("layer_norm: weight/bias of shape " + Shape.str(p.shape) + " do not match normalized shape " + Arrays.toString(normalizedShape));
        var be = Backends.common(x, weight, bias);
        Tensor[] r = be.layerNorm(x, weight, bias, cols, eps);
        Tensor y = r[0], mean = r[1], rstd = r[2];
        return Autograd.record(y, "layer_norm", g -> {
            Tensor[] gr = be.layerNormBackward(g, x, weight, mean, rstd, cols);
            return new Tensor[] {gr[0],
                    weight != null && weight.requiresGrad() ? gr[1].reshape(weight.shape) : null,
                    bias != null && bias.requiresGrad() ? gr[2].reshape(bias.shape) : null};
        }, x, weight, bias);
    }

    /**
     * torch.nn.functional.batch_norm over x [N, C, ...]. In training mode normalises with the batch
     * statistics and, when running stats are given, updates them in place with momentum (the running
     * variance with the unbiased estimate, as PyTorch does); in eval mode uses the running statistics.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps) {
        if (x.dim() < 2) throw new IllegalArgumentException("batch_norm needs input [N, C, ...], got " + Shape.str(x.shape));
        int c = x.shape[1];
        for (var p : new Tensor[] {runningMean, runningVar, weight, bias})
            if (p != null && p.numel() != c)
                throw new IllegalArgumentException("batch_norm: per-channel tensor of shape " + Shape.str(p.shape) + " does not match " + c + " channels of input " + Shape.str(x.shape));
        if (!training && (runningMean == null || runningVar == null))
            throw new IllegalArgumentException("batch_norm in eval mode needs running mean and variance");
        var be = Backends.common(x, runningMean, runningVar, weight, bias);
        Tensor x4 = x.dim() == 4 ? x : x.reshape(x.shape[0], c, -1, 1);
        int n = x4.shape[0] * x4.shape[2] * x4.shape[3];
        if (training && n <= 1)
            throw new IllegalArgumentException("batch_norm in training mode needs more than 1 value per channel, got input " + Shape.str(x.shape));
        Tensor[] r = be.batchNorm(x4.detach(), weight, bias, runningMean, runningVar, training, eps);
        Tensor y = r[0].reshape(x.shape), mean = r[1], invstd = r[2];
        if (training && runningMean != null && runningVar != null) {
            try (var ignored = Autograd.noGrad()) {
                // var = 1/invstd^2 - eps (biased); the running estimate uses n/(n-1) times it.
                Tensor var = be.unary(UnaryOp.AFFINE, be.unary(UnaryOp.POW, invstd, -2f, 0f), 1f, -eps);
                Tensor unbiased = be.unary(UnaryOp.AFFINE, var, (float) n / (n - 1), 0f);
                blend(be, runningMean, mean, momentum);
                blend(be, runningVar, unbiased, momentum);
            }
        }
        return Autograd.record(y, "batch_norm", g -> {
            Tensor[] gr = be.batchNormBackward(g.reshape(x4.shape), x4.detach(), weight, mean, invstd, training);
            return new Tensor[] {gr[0].reshape(x.shape), null, null,
                    weight != null && weight.requiresGrad() ? gr[1].reshape(weight.shape) : null,
                    bias != null && bias.requiresGrad() ? gr[2].reshape(bias.shape) : null};
        }, x, runningMean, runningVar, weight, bias);
    }

    /** running = (1 - momentum) running + momentum stat, in place. */
    private static void blend(Backend be, Tensor running, Tensor stat, float momentum) {
        Tensor r = be.binary(BinaryOp.ADD, be.unary(UnaryOp.AFFINE, running, 1f - momentum, 0f),
                be.unary(UnaryOp.AFFINE, stat.reshape(running.shape), momentum, 0f));
        be.copy(r, running);
    }

    // torch.nn.functional.local_response_norm across channels of x [N, C, H, W].
    public static Tensor localResponseNorm(Tensor x, int size, float alpha, float beta, float k) {
        if (x.dim() < 3) throw new IllegalArgumentException("local_response_norm needs input [N, C, ...], got " + Shape.str(x.shape));
        if (size < 1) throw new IllegalArgumentException("local_response_norm size must be >= 1, got " + size);
        var be = x.backend();
        Tensor x4 = x.dim() == 4 ? x.detach() : x.detach().reshape(x.shape[0], x.shape[1], -1, 1);
        Tensor[] r = be.localResponseNorm(x4, size, alpha, beta, k);
        Tensor y4 = r[0], s = r[1];
        Tensor y = y4.reshape(x.shape);
        return Autograd.record(y, "local_response_norm", g ->
                new Tensor[] {be.localResponseNormBackward(g.reshape(x4.shape), x4, y4, s, size, alpha, beta).reshape(x.shape)}, x);
    }
}
