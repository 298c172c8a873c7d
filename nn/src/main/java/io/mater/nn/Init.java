package io.mater.nn;

import io.mater.engine.Rng;
import io.mater.engine.Tensor;

/** Weight initialisation as PyTorch does it, from an explicit seeded generator. */
public final class Init {
    private Init() {}

    public static Tensor uniform(Rng rng, float bound, int... shape) {
        return Tensor.uniform(rng, -bound, bound, shape);
    }

    /**
     * kaiming_uniform_ with leaky-ReLU slope a (PyTorch's default for Linear and Conv weights uses a = sqrt(5),
     * which gives bound 1/sqrt(fanIn)).
     */
    public static Tensor kaimingUniform(Rng rng, double a, int fanIn, int... shape) {
        double gain = Math.sqrt(2.0 / (1 + a * a));
        return uniform(rng, (float) (gain * Math.sqrt(3.0 / fanIn)), shape);
    }

    /** xavier_uniform_: bound sqrt(6 / (fanIn + fanOut)). */
    public static Tensor xavierUniform(Rng rng, int fanIn, int fanOut, int... shape) {
        return uniform(rng, (float) Math.sqrt(6.0 / (fanIn + fanOut)), shape);
    }

    /** PyTorch's default bias init for Linear and Conv: uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
    public static Tensor fanInBias(Rng rng, int fanIn, int n) {
        return uniform(rng, fanIn > 0 ? (float) (1 / Math.sqrt(fanIn)) : 0f, n);
    }
}
