package io.mater.engine.cpu;

import io.mater.engine.BinaryOp;
import io.mater.engine.Rng;
import io.mater.engine.UnaryOp;

/**
 * Reference elementwise kernels: one plain loop each. Operands are strided 1-D runs (stride 0 broadcasts a
 * single value). {@link ElementwiseVector} is the fast twin that tests compare against these.
 */
public final class ElementwiseScalar {
    private ElementwiseScalar() {}

    /** erf(x) by Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7), in double. */
    static double erf(double x) {
        double ax = Math.abs(x);
        double t = 1.0 / (1.0 + 0.3275911 * ax);
        double y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-ax * ax);
        return x < 0 ? -y : y;
    }

    static final double INV_SQRT2 = 0.7071067811865476;
    static final double INV_SQRT_2PI = 0.3989422804014327;

    public static float apply(UnaryOp op, float x, float p, float q) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case RELU -> x > 0f ? x : 0f;
            case GELU -> (float) (0.5 * x * (1.0 + erf(x * INV_SQRT2)));
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
            case SQUARE -> x * x;
            case RECIPROCAL -> 1f / x;
            case AFFINE -> p * x + q;
            case POW -> (float) Math.pow(x, p);
            case CLAMP -> Math.min(Math.max(x, p), q);
            case INSIDE -> x >= p && x <= q ? 1f : 0f;
            case GT -> x > p ? 1f : 0f;
            case LT -> x < p ? 1f : 0f;
            case EQ -> x == p ? 1f : 0f;
        };
    }

    public static float apply(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> (float) Math.pow(a, b);
            case MAXIMUM -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.max(a, b);
            case MINIMUM -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.min(a, b);
            case GT -> a > b ? 1f : 0f;
            case LT -> a < b ? 1f : 0f;
            case EQ -> a == b ? 1f : 0f;
            case RELU_BACKWARD -> b > 0f ? a : 0f;
            case GELU_BACKWARD -> {
                double x = b;
                double cdf = 0.5 * (1.0 + erf(x * INV_SQRT2));
                double pdf = INV_SQRT_2PI * Math.exp(-0.5 * x * x);
                yield (float) (a * (cdf + x * pdf));
            }
            case TANH_BACKWARD -> a * (1f - b * b);
            case SIGMOID_BACKWARD -> a * b * (1f - b);
        };
    }

    /** y[yo + i] = op(x[xo + i*xs]) for i < n. */
    public static void unary(UnaryOp op, float[] x, int xo, int xs, float[] y, int yo, int n, float p, float q) {
        for (int i = 0; i < n; i++) y[yo + i] = apply(op, x[xo + i * xs], p, q);
    }

    /** c[co + i] = op(a[ao + i*as], b[bo + i*bs]) for i < n. */
    public static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] c, int co, int n) {
        for (int i = 0; i < n; i++) c[co + i] = apply(op, a[ao + i * as], b[bo + i * bs]);
    }

    /** y[yo + i] = keep(index0 + i) ? x[xo + i] / (1 - p) : 0, keep from the counter-based hash. */
    public static void dropout(float[] x, int xo, float[] y, int yo, int n, float p, int key0, int key1, int index0) {
        float scale = 1f / (1f - p);
        for (int i = 0; i < n; i++) {
            boolean keep = Rng.hashUniform(key0, key1, index0 + i) >= p;
            y[yo + i] = keep ? x[xo + i] * scale : 0f;
        }
    }

    /**
     * One Adam/AdamW step over n contiguous elements with PyTorch's arithmetic: stepSize = lr / (1 - beta1^t)
     * and bc2Sqrt = sqrt(1 - beta2^t), both computed in double by the caller.
     */
    public static void adam(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                            float lr, float beta1, float beta2, float eps, float wd, boolean decoupled, float stepSize, float bc2Sqrt) {
        for (int i = 0; i < n; i++) {
            float pi = p[po + i];
            float gi = g[go + i];
            if (wd != 0f) {
                if (decoupled) pi *= 1f - lr * wd;
                else gi += wd * pi;
            }
            float mi = beta1 * m[mo + i] + (1f - beta1) * gi;
            float vi = beta2 * v[vo + i] + (1f - beta2) * gi * gi;
            m[mo + i] = mi;
            v[vo + i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            p[po + i] = pi - stepSize * (mi / denom);
        }
    }
}
