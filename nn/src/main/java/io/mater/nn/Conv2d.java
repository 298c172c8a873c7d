package io.mater.nn;

import io.mater.engine.Conv2dSpec;
import io.mater.engine.Convolution;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;

/** 2-D convolution: x [N, C, H, W] -> [N, O, H', W']; weight [O, C/groups, kh, kw], bias [O]. */
public final class Conv2d extends Module implements Layer {
    public final Conv2dSpec spec;

    public Conv2d(int in, int out, int kernelH, int kernelW, Conv2dSpec spec, boolean bias, Rng rng) {
        if (in % spec.groups() != 0 || out % spec.groups() != 0)
            throw new IllegalArgumentException("conv2d channels " + in + " -> " + out + " must be divisible by groups " + spec.groups());
        this.spec = spec;
        int fanIn = in / spec.groups() * kernelH * kernelW;
        registerParameter("weight", Init.kaimingUniform(rng, Math.sqrt(5), fanIn, out, in / spec.groups(), kernelH, kernelW));
        if (bias) registerParameter("bias", Init.fanInBias(rng, fanIn, out));
    }

    /** Square kernel, stride and padding, bias on. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, Rng rng) {
        this(in, out, kernel, kernel, Conv2dSpec.of(stride, padding), true, rng);
    }

    public Tensor weight() {
        return param("weight");
    }

    @Override
    public Tensor forward(Tensor x) {
        return Convolution.conv2d(x, param("weight"), optionalParam("bias"), spec);
    }
}
