package io.mater.engine.cpu;

import io.mater.engine.ReduceOp;

/** Reference reductions of row-major blocks; sums accumulate in double. Twin: {@link ReduceVector}. */
public final class ReduceScalar {
    private ReduceScalar() {}

    /** out[oo + r] = reduce of x[xo + r*cols + c] over c, for r < rows. */
    public static void rows(ReduceOp op, float[] x, int xo, int rows, int cols, float[] out, int oo) {
        for (int r = 0; r < rows; r++) {
            int base = xo + r * cols;
            out[oo + r] = switch (op) {
                case SUM -> {
                    double s = 0;
                    for (int c = 0; c < cols; c++) s += x[base + c];
                    yield (float) s;
                }
                case MAX -> {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int c = 0; c < cols; c++) m = max(m, x[base + c]);
                    yield m;
                }
                case MIN -> {
                    float m = Float.POSITIVE_INFINITY;
                    for (int c = 0; c < cols; c++) m = min(m, x[base + c]);
                    yield m;
                }
            };
        }
    }

    /** out[oo + c] = reduce of x[xo + r*ld + c] over r, for c < cols (rows ld apart). */
    public static void cols(ReduceOp op, float[] x, int xo, int rows, int cols, int ld, float[] out, int oo) {
        for (int c = 0; c < cols; c++) {
            switch (op) {
                case SUM -> {
                    double s = 0;
                    for (int r = 0; r < rows; r++) s += x[xo + r * ld + c];
                    out[oo + c] = (float) s;
                }
                case MAX -> {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int r = 0; r < rows; r++) m = max(m, x[xo + r * ld + c]);
                    out[oo + c] = m;
                }
                case MIN -> {
                    float m = Float.POSITIVE_INFINITY;
                    for (int r = 0; r < rows; r++) m = min(m, x[xo + r * ld + c]);
                    out[oo + c] = m;
                }
            }
        }
    }

    /** NaN-propagating max/min, as torch.max. */
    static float max(float a, float b) {
        return a != a || b != b ? Float.NaN : Math.max(a, b);
    }

    static float min(float a, float b) {
        return a != a || b != b ? Float.NaN : Math.min(a, b);
    }
}
