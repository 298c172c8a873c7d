package io.mater.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API twin of {@link LrnScalar}: the same window sums lane by lane, so s is identical; s^-beta uses
 * two square roots when beta is 3/4 (VGG-M's), the vector pow otherwise.
 */
public final class LrnVector {
    private LrnVector() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    static FloatVector pow(FloatVector s, float beta) {
        if (beta == 0.75f) {
            var r = s.sqrt();
            return FloatVector.broadcast(F, 1f).div(r.mul(r.sqrt()));
        }
        return s.lanewise(VectorOperators.POW, -beta);
    }

    static void forward(float[] x, int xo, float[] y, float[] s, int yo, int c, int hw, int p0, int p1,
                        int size, float alpha, float beta, float k) {
        int before = size / 2, after = (size - 1) / 2;
        float scale = alpha / size;
        int end = p0 + F.loopBound(p1 - p0);
        for (int ch = 0; ch < c; ch++) {
            int lo = Math.max(0, ch - before), hi = Math.min(c - 1, ch + after);
            for (int p = p0; p < end; p += L) {
                var sum = FloatVector.zero(F);
                for (int q = lo; q <= hi; q++) {
                    var v = FloatVector.fromArray(F, x, xo + q * hw + p);
                    sum = sum.add(v.mul(v));
                }
                var sv = sum.mul(scale).add(k);
                sv.intoArray(s, yo + ch * hw + p);
                FloatVector.fromArray(F, x, xo + ch * hw + p).mul(pow(sv, beta)).intoArray(y, yo + ch * hw + p);
            }
        }
        if (end < p1) LrnScalar.forward(x, xo, y, s, yo, c, hw, end, p1, size, alpha, beta, k);
    }

    static void backward(float[] gy, int go, float[] x, int xo, float[] y, float[] s, int yo, float[] gx, int gxo,
                         int c, int hw, int p0, int p1, int size, float alpha, float beta, float[] t) {
        int before = size / 2, after = (size - 1) / 2, len = p1 - p0;
        float coef = 2f * alpha * beta / size;
        int vlen = F.loopBound(len), end = p0 + vlen;
        for (int ch = 0; ch < c; ch++)
            for (int p = p0; p < end; p += L) {
                int at = ch * hw + p;
                FloatVector.fromArray(F, gy, go + at).mul(FloatVector.fromArray(F, y, yo + at))
                        .div(FloatVector.fromArray(F, s, yo + at)).intoArray(t, ch * vlen + p - p0);
            }
        for (int ch = 0; ch < c; ch++) {
            int lo = Math.max(0, ch - after), hi = Math.min(c - 1, ch + before);
            for (int p = p0; p < end; p += L) {
                var sum = FloatVector.zero(F);
                for (int q = lo; q <= hi; q++) sum = sum.add(FloatVector.fromArray(F, t, q * vlen + p - p0));
                int at = ch * hw + p;
                var gv = FloatVector.fromArray(F, gy, go + at).mul(pow(FloatVector.fromArray(F, s, yo + at), beta));
                gv.sub(FloatVector.fromArray(F, x, xo + at).mul(coef).mul(sum)).intoArray(gx, gxo + at);
            }
        }
        if (end < p1) LrnScalar.backward(gy, go, x, xo, y, s, yo, gx, gxo, c, hw, end, p1, size, alpha, beta, t);
    }
}
