package io.mater.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API twins of {@link BatchNormScalar}. The sums run in float lanes over one run (a plane, at most
 * a few thousand values) and are returned as double for the caller to add across runs in image order.
 */
public final class BatchNormVector {
    private BatchNormVector() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    static double sum(float[] x, int xo, int len, float shift) {
        int i = 0, upper = F.loopBound(len);
        var acc = FloatVector.zero(F);
        for (; i < upper; i += L) acc = acc.add(FloatVector.fromArray(F, x, xo + i).sub(shift));
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) s += x[xo + i] - shift;
        return s;
    }

    static double squaredDeviation(float[] x, int xo, int len, float mean) {
        int i = 0, upper = F.loopBound(len);
        var acc = FloatVector.zero(F);
        for (; i < upper; i += L) {
            var d = FloatVector.fromArray(F, x, xo + i).sub(mean);
            acc = d.fma(d, acc);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            double d = x[xo + i] - mean;
            s += d * d;
        }
        return s;
    }

    static double dot(float[] gy, int go, float[] x, int xo, int len, float mean) {
        int i = 0, upper = F.loopBound(len);
        var acc = FloatVector.zero(F);
        for (; i < upper; i += L)
            acc = FloatVector.fromArray(F, x, xo + i).sub(mean).fma(FloatVector.fromArray(F, gy, go + i), acc);
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) s += (double) gy[go + i] * (x[xo + i] - mean);
        return s;
    }

    static void normalize(float[] x, int xo, float[] y, int yo, int len, float mean, float scale, float shift) {
        int i = 0, upper = F.loopBound(len);
        for (; i < upper; i += L) FloatVector.fromArray(F, x, xo + i).sub(mean).mul(scale).add(shift).intoArray(y, yo + i);
        BatchNormScalar.normalize(x, xo + i, y, yo + i, len - i, mean, scale, shift);
    }

    static void backward(float[] gy, int go, float[] x, int xo, float[] gx, int gxo, int len,
                         float mean, float scale, float slope, float gyMean) {
        int i = 0, upper = F.loopBound(len);
        for (; i < upper; i += L) {
            var xc = FloatVector.fromArray(F, x, xo + i).sub(mean).mul(slope);
            FloatVector.fromArray(F, gy, go + i).sub(gyMean).sub(xc).mul(scale).intoArray(gx, gxo + i);
        }
        BatchNormScalar.backward(gy, go + i, x, xo + i, gx, gxo + i, len - i, mean, scale, slope, gyMean);
    }

    static void scale(float[] gy, int go, float[] gx, int gxo, int len, float scale) {
        int i = 0, upper = F.loopBound(len);
        for (; i < upper; i += L) FloatVector.fromArray(F, gy, go + i).mul(scale).intoArray(gx, gxo + i);
        BatchNormScalar.scale(gy, go + i, gx, gxo + i, len - i, scale);
    }
}
