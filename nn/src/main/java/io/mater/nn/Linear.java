package io.mater.nn;

import io.mater.engine.MatMul;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;

/** y = x W^T + b.  x [..., in] -> y [..., out]; weight [out, in], bias [out]. */
public final class Linear extends Module implements Layer {
    public final int in, out;

    public Linear(int in, int out, boolean bias, Rng rng) {
        this.in = in;
        this.out = out;
        registerParameter("weight", Init.kaimingUniform(rng, Math.sqrt(5), in, out, in));
        if (bias) registerParameter("bias", Init.fanInBias(rng, in, out));
    }

    public Linear(int in, int out, Rng rng) {
        this(in, out, true, rng);
    }

    public Tensor weight() {
        return param("weight");
    }

    /** The bias, or null. */
    public Tensor bias() {
        return optionalParam("bias");
    }

    @Override
    public Tensor forward(Tensor x) {
        return MatMul.linear(x, weight(), bias());
    }
}
