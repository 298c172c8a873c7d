package io.mater.nn;

import io.mater.engine.Pool2dSpec;
import io.mater.engine.Pooling;
import io.mater.engine.Tensor;

/** Max pooling over windows of x [N, C, H, W]. */
public final class MaxPool2d extends Module implements Layer {
    public final Pool2dSpec spec;

    public MaxPool2d(Pool2dSpec spec) {
        this.spec = spec;
    }

    public MaxPool2d(int kernel, int stride) {
        this(Pool2dSpec.of(kernel, stride));
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.maxPool2d(x, spec);
    }
}
