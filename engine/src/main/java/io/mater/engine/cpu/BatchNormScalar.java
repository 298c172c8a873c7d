package io.mater.engine.cpu;

/**
 * Reference batch-norm pieces over one contiguous run of len values of one channel (a plane of x
 * [n, c, h, w]); sums in double. The caller adds the runs of a channel in image order.
 */
public final class BatchNormScalar {
    private BatchNormScalar() {}

    /** Sum of x - shift over x[xo .. xo+len) (a shift near the mean keeps the float sums exact enough). */
    static double sum(float[] x, int xo, int len, float shift) {
        double s = 0;
        for (int i = 0; i < len; i++) s += x[xo + i] - shift;
        return s;
    }

    /** Sum of (x - mean)^2. */
    static double squaredDeviation(float[] x, int xo, int len, float mean) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            double d = x[xo + i] - mean;
            s += d * d;
        }
        return s;
    }

    /** Sum of gy * (x - mean). */
    static double dot(float[] gy, int go, float[] x, int xo, int len, float mean) {
        double s = 0;
        for (int i = 0; i < len; i++) s += (double) gy[go + i] * (x[xo + i] - mean);
        return s;
    }

    /** y = (x - mean) * scale + shift. */
    static void normalize(float[] x, int xo, float[] y, int yo, int len, float mean, float scale, float shift) {
        for (int i = 0; i < len; i++) y[yo + i] = (x[xo + i] - mean) * scale + shift;
    }

    /** gx = (gy - gyMean - (x - mean) * slope) * scale: the training-mode input gradient. */
    static void backward(float[] gy, int go, float[] x, int xo, float[] gx, int gxo, int len,
                         float mean, float scale, float slope, float gyMean) {
        for (int i = 0; i < len; i++) gx[gxo + i] = (gy[go + i] - gyMean - (x[xo + i] - mean) * slope) * scale;
    }

    /** gx = gy * scale: the eval-mode input gradient. */
    static void scale(float[] gy, int go, float[] gx, int gxo, int len, float scale) {
        for (int i = 0; i < len; i++) gx[gxo + i] = gy[go + i] * scale;
    }
}
