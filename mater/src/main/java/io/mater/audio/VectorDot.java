package io.mater.audio;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API twin of {@link Dot#scalar}; load only when {@code io.mater.engine.Simd.ENABLED}. */
final class VectorDot {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorDot() {}

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int w = S.length(), j = 0;
        var acc0 = FloatVector.zero(S);
        var acc1 = FloatVector.zero(S);
        for (; j + 2 * w <= n; j += 2 * w) {
            acc0 = FloatVector.fromArray(S, a, ao + j).fma(FloatVector.fromArray(S, b, bo + j), acc0);
            acc1 = FloatVector.fromArray(S, a, ao + j + w).fma(FloatVector.fromArray(S, b, bo + j + w), acc1);
        }
        for (; j + w <= n; j += w)
            acc0 = FloatVector.fromArray(S, a, ao + j).fma(FloatVector.fromArray(S, b, bo + j), acc0);
        // Lanes are added in index order: reduceLanes(ADD) leaves the order open (the interpreter and C2
        // differ), which would make results depend on JIT state.
        var acc = acc0.add(acc1);
        float s = 0;
        for (int l = 0; l < w; l++) s += acc.lane(l);
        for (; j < n; j++) s += a[ao + j] * b[bo + j];
        return s;
    }
}
