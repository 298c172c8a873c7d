package io.mater.nn;

import io.mater.engine.Normalization;
import io.mater.engine.Tensor;

/**
 * Batch norm over N, H, W per channel of x [N, C, H, W]: batch statistics in training (running statistics
 * updated with momentum, unbiased variance), running statistics in eval. Buffers running_mean,
 * running_var and num_batches_tracked as in PyTorch.
 */
public final class BatchNorm2d extends Module implements Layer {
    public final int channels;
    private final float eps, momentum;

    public BatchNorm2d(int channels, float eps, float momentum) {
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        registerParameter("weight", Tensor.ones(channels));
        registerParameter("bias", Tensor.zeros(channels));
        registerBuffer("running_mean", Tensor.zeros(channels));
        registerBuffer("running_var", Tensor.ones(channels));
        registerBuffer("num_batches_tracked", Tensor.zeros());
    }

    public BatchNorm2d(int channels) {
        this(channels, 1e-5f, 0.1f);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() < 2 || x.size(1) != channels)
            throw new IllegalArgumentException("batch norm of " + channels + " channels got input " + io.mater.engine.Shape.str(x.shape()));
        if (isTraining()) {
            Tensor n = buffer("num_batches_tracked");
            n.backend().fill(n, n.item() + 1);
        }
        return Normalization.batchNorm(x, buffer("running_mean"), buffer("running_var"), param("weight"), param("bias"),
                isTraining(), momentum, eps);
    }
}
