package io.mater.engine;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;

/**
 * Gradient check by central differences. The loss is sum(f(inputs) * R) for a fixed random R, summed in
 * double on the host, so the finite differences see only float32 rounding of f itself. Inputs may be
 * non-contiguous views; they are perturbed in place through their strides.
 */
public final class GradCheck {
    private GradCheck() {}

    public static void check(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(what, f, 1e-2f, 2e-2, 2e-3, inputs);
    }

    /**
     * Fails unless |numeric - analytic| <= atol * scale + rtol * |analytic| for every input element, where
     * scale = max(1, max |analytic|) of that input.
     */
    public static void check(String what, Function<Tensor[], Tensor> f, float h, double rtol, double atol, Tensor... inputs) {
        for (var t : inputs) t.requiresGrad(true).setGrad(null);
        Tensor out = f.apply(inputs);
        Rng rng = new Rng(1234);
        float[] r = new float[out.numel()];
        for (int i = 0; i < r.length; i++) r[i] = rng.nextFloat() * 2 - 1;
        Tensor weights = Tensor.of(r.clone(), out.shape());
        out.mul(weights).sum().backward();
        for (int which = 0; which < inputs.length; which++) {
            Tensor x = inputs[which];
            if (x.grad() == null) fail(what + ": input " + which + " got no gradient");
            float[] analytic = x.grad().toArray();
            double scale = 1;
            for (float a : analytic) scale = Math.max(scale, Math.abs(a));
            float[] data = x.data();
            int[] shape = x.shape(), strides = x.strides();
            int[] idx = new int[shape.length];
            for (int e = 0; e < x.numel(); e++) {
                int pos = x.offset();
                for (int d = 0; d < shape.length; d++) pos += idx[d] * strides[d];
                float orig = data[pos];
                data[pos] = orig + h;
                double lp = loss(f, inputs, r);
                data[pos] = orig - h;
                double lm = loss(f, inputs, r);
                data[pos] = orig;
                double numeric = (lp - lm) / (2 * h);
                double a = analytic[e];
                if (Math.abs(numeric - a) > atol * scale + rtol * Math.abs(a))
                    fail(String.format("%s: d/d input%d%s numeric %.6g vs analytic %.6g", what, which,
                            java.util.Arrays.toString(idx), numeric, a));
                for (int d = shape.length - 1; d >= 0; d--) {
                    if (++idx[d] < shape[d]) break;
                    idx[d] = 0;
                }
            }
        }
    }

    private static double loss(Function<Tensor[], Tensor> f, Tensor[] inputs, float[] r) {
        try (var ignored = Autograd.noGrad()) {
            float[] y = f.apply(inputs).toArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) s += (double) y[i] * r[i];
            return s;
        }
    }

    /** Random values in [lo, hi) that stay at least gap away from every point in kinks (for relu, abs, ...). */
    public static Tensor awayFrom(Rng rng, float lo, float hi, float gap, float[] kinks, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            float v;
            boolean ok;
            do {
                v = lo + (hi - lo) * rng.nextFloat();
                ok = true;
                for (float k : kinks) ok &= Math.abs(v - k) > gap;
            } while (!ok);
            d[i] = v;
        }
        return t;
    }

    public static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), shape);
    }
}
