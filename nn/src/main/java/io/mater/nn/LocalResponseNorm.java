package io.mater.nn;

import io.mater.engine.Normalization;
import io.mater.engine.Tensor;

/** Local response normalisation across channels (torch.nn.LocalResponseNorm). */
public final class LocalResponseNorm extends Module implements Layer {
    private final int size;
    private final float alpha, beta, k;

    public LocalResponseNorm(int size, float alpha, float beta, float k) {
        this.size = size;
        this.alpha = alpha;
        this.beta = beta;
        this.k = k;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Normalization.localResponseNorm(x, size, alpha, beta, k);
    }
}
