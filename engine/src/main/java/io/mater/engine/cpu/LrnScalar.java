package io.mater.engine.cpu;

/**
 * Reference local response norm across the c channels of one image x [c, hw], on positions [p0, p1):
 * s = k + alpha/size * sum of x^2 over channels [ch - size/2, ch + (size-1)/2] (PyTorch's window), and
 * y = x * s^-beta. Sums run in float over the window in channel order (as the vector twin does).
 */
public final class LrnScalar {
    private LrnScalar() {}

    static float pow(float s, float beta) {
        return (float) Math.pow(s, -beta);
    }

    // x [c, hw] at xo -> y, s [c, hw] at yo
    static void forward(float[] x, int xo, float[] y, float[] s, int yo, int c, int hw, int p0, int p1,
                        int size, float alpha, float beta, float k) {
        int before = size / 2, after = (size - 1) / 2;
        float scale = alpha / size;
        for (int ch = 0; ch < c; ch++) {
            int lo = Math.max(0, ch - before), hi = Math.min(c - 1, ch + after);
            for (int p = p0; p < p1; p++) {
                float sum = 0f;
                for (int q = lo; q <= hi; q++) {
                    float v = x[xo + q * hw + p];
                    sum += v * v;
                }
                float sv = k + scale * sum;
                s[yo + ch * hw + p] = sv;
                y[yo + ch * hw + p] = x[xo + ch * hw + p] * pow(sv, beta);
            }
        }
    }

    /**
     * gx = gy * s^-beta - (2 alpha beta / size) * x * sum over the channels q whose window holds ch
     * ([ch - (size-1)/2, ch + size/2]) of gy*y/s at q. t is a buffer of at least c*(p1-p0) floats.
     */
    static void backward(float[] gy, int go, float[] x, int xo, float[] y, float[] s, int yo, float[] gx, int gxo,
                         int c, int hw, int p0, int p1, int size, float alpha, float beta, float[] t) {
        int before = size / 2, after = (size - 1) / 2, len = p1 - p0;
        float coef = 2f * alpha * beta / size;
        for (int ch = 0; ch < c; ch++)
            for (int p = p0; p < p1; p++) {
                int at = ch * hw + p;
                t[ch * len + p - p0] = gy[go + at] * y[yo + at] / s[yo + at];
            }
        for (int ch = 0; ch < c; ch++) {
            int lo = Math.max(0, ch - after), hi = Math.min(c - 1, ch + before);
            for (int p = p0; p < p1; p++) {
                float sum = 0f;
                for (int q = lo; q <= hi; q++) sum += t[q * len + p - p0];
                int at = ch * hw + p;
                gx[gxo + at] = gy[go + at] * pow(s[yo + at], beta) - coef * x[xo + at] * sum;
            }
        }
    }
}
