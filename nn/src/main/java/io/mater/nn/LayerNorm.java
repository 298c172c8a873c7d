package io.mater.nn;

import io.mater.engine.Normalization;
import io.mater.engine.Tensor;

/** Layer norm over the trailing normalizedShape; weight (ones) and bias (zeros) when affine. */
public final class LayerNorm extends Module implements Layer {
    private final int[] normalizedShape;
    private final float eps;

    public LayerNorm(int[] normalizedShape, float eps, boolean affine) {
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        if (affine) {
            registerParameter("weight", Tensor.ones(normalizedShape));
            registerParameter("bias", Tensor.zeros(normalizedShape));
        }
    }

    public LayerNorm(int features) {
        this(new int[] {features}, 1e-5f, true);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Normalization.layerNorm(x, normalizedShape, optionalParam("weight"), optionalParam("bias"), eps);
    }
}
