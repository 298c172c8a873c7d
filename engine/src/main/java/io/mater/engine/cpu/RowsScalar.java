package io.mater.engine.cpu;

/**
 * Reference fused row kernels over row-major [rows, cols] blocks: softmax, log-softmax and layer norm,
 * forward and backward. Sums accumulate in double. Twin: {@link RowsVector}.
 */
public final class RowsScalar {
    private RowsScalar() {}

    // y = softmax(x) (or log_softmax) per row
    public static void softmax(float[] x, int xo, float[] y, int yo, int rows, int cols, boolean log) {
        for (int r = 0; r < rows; r++) {
            int xb = xo + r * cols, yb = yo + r * cols;
            float m = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) m = Math.max(m, x[xb + c]);
            double s = 0;
            for (int c = 0; c < cols; c++) s += Math.exp(x[xb + c] - m);
            if (log) {
                float lse = (float) (m + Math.log(s));
                for (int c = 0; c < cols; c++) y[yb + c] = x[xb + c] - lse;
            } else {
                for (int c = 0; c < cols; c++) y[yb + c] = (float) (Math.exp(x[xb + c] - m) / s);
            }
        }
    }

    // softmax: gx = y (gy - sum(gy y));  log_softmax: gx = gy - exp(y) sum(gy)
    public static void softmaxBackward(float[] y, int yo, float[] gy, int go, float[] gx, int xo, int rows, int cols, boolean log) {
        for (int r = 0; r < rows; r++) {
            int yb = yo + r * cols, gb = go + r * cols, xb = xo + r * cols;
            double s = 0;
            for (int c = 0; c < cols; c++) s += log ? gy[gb + c] : (double) gy[gb + c] * y[yb + c];
            float fs = (float) s;
            for (int c = 0; c < cols; c++)
                gx[xb + c] = log ? gy[gb + c] - (float) Math.exp(y[yb + c]) * fs : y[yb + c] * (gy[gb + c] - fs);
        }
    }

    // y = (x - mean) rstd w + b;  mean, rstd per row (biased variance)
    public static void layerNorm(float[] x, int xo, float[] w, float[] b, float[] y, int yo, float[] mean, float[] rstd, int r0,
                                 int rows, int cols, float eps) {
        for (int r = r0; r < r0 + rows; r++) {
            int xb = xo + r * cols, yb = yo + r * cols;
            double s = 0;
            for (int c = 0; c < cols; c++) s += x[xb + c];
            float mu = (float) (s / cols);
            double v = 0;
            for (int c = 0; c < cols; c++) {
                double d = x[xb + c] - mu;
                v += d * d;
            }
            float rs = (float) (1.0 / Math.sqrt(v / cols + eps));
            mean[r] = mu;
            rstd[r] = rs;
            for (int c = 0; c < cols; c++) {
                float xh = (x[xb + c] - mu) * rs;
                y[yb + c] = w == null ? xh : xh * w[c] + (b == null ? 0f : b[c]);
            }
        }
    }

    // gx = rstd (gxh - mean(gxh) - xh mean(gxh xh)), with xh = (x - mean) rstd and gxh = gy w
    public static void layerNormBackward(float[] gy, int go, float[] x, int xo, float[] w, float[] mean, float[] rstd,
                                         float[] gx, int r0, int rows, int cols) {
        for (int r = r0; r < r0 + rows; r++) {
            int gb = go + r * cols, xb = xo + r * cols;
            float mu = mean[r], rs = rstd[r];
            double s1 = 0, s2 = 0;
            for (int c = 0; c < cols; c++) {
                float gxh = w == null ? gy[gb + c] : gy[gb + c] * w[c];
                float xh = (x[xb + c] - mu) * rs;
                s1 += gxh;
                s2 += (double) gxh * xh;
            }
            float m1 = (float) (s1 / cols), m2 = (float) (s2 / cols);
            for (int c = 0; c < cols; c++) {
                float gxh = w == null ? gy[gb + c] : gy[gb + c] * w[c];
                float xh = (x[xb + c] - mu) * rs;
                gx[xb - xo + c] = rs * (gxh - m1 - xh * m2);
            }
        }
    }

    // gw[c] = sum over rows of gy xh;  gb[c] = sum over rows of gy  (columns c0 .. c0+n)
    public static void layerNormParams(float[] gy, int go, float[] x, int xo, float[] mean, float[] rstd, float[] gw, float[] gb,
                                       int rows, int cols, int c0, int n) {
        for (int c = c0; c < c0 + n; c++) {
            double sw = 0, sb = 0;
            for (int r = 0; r < rows; r++) {
                float g = gy[go + r * cols + c];
                float xh = (x[xo + r * cols + c] - mean[r]) * rstd[r];
                sw += (double) g * xh;
                sb += g;
            }
            gw[c] = (float) sw;
            gb[c] = (float) sb;
        }
    }
}
