package io.mater.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector helpers whose results do not depend on whether the JIT has compiled them. The Vector API leaves the
 * order of a float lane sum open, and its transcendental ops (EXP, LOG, ...) are intrinsics in compiled code
 * but Math calls in the interpreter, with different roundings; either would make a training run's bits depend
 * on JIT timing. So lane sums go in a fixed order, and exp is our own range reduction and polynomial, built
 * from exact IEEE operations only.
 */
public final class VecMath {
    private VecMath() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** Lanes added in index order. */
    public static float sum(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f; // 1.5 * 2^23: adding and subtracting it rounds to an integer
    private static final float MAX_X = 88.72283f, MIN_X = -87.3365478515625f;

    /** e^x lane-wise, within 2 ulp for normal results (Cephes expf's polynomial); 0 below -87.34, inf above 88.72. */
    public static FloatVector exp(FloatVector x) {
        var under = x.compare(VectorOperators.LT, MIN_X);
        var over = x.compare(VectorOperators.GT, MAX_X);
        var nan = x.test(VectorOperators.IS_NAN);
        FloatVector xc = x.max(MIN_X).min(MAX_X);
        FloatVector n = xc.mul(LOG2E).add(ROUND).sub(ROUND);
        FloatVector r = n.mul(-LN2_HI).add(xc);
        r = n.mul(-LN2_LO).add(r);
        FloatVector r2 = r.mul(r);
        FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
        p = p.mul(r).add(8.3334519073e-3f);
        p = p.mul(r).add(4.1665795894e-2f);
        p = p.mul(r).add(1.6666665459e-1f);
        p = p.mul(r).add(5.0000001201e-1f);
        FloatVector y = p.mul(r2).add(r).add(1f);
        // y * 2^n, in two halves so that n = 128 (x near the top of the range) does not overflow the exponent
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector out = y.mul(s1).mul(s2);
        out = out.blend(0f, under);
        out = out.blend(Float.POSITIVE_INFINITY, over);
        return out.blend(x, nan);
    }
}
