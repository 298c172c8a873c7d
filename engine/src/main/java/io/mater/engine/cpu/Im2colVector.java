package io.mater.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/** Vector API twin of the stride-2 row gather in {@link Im2col}: dst[i] = x[src + 2i]. */
public final class Im2colVector {
    private Im2colVector() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** Lanes 0, 2, 4, ... of two concatenated vectors (indices past L pick from the second one). */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(F, i -> 2 * i);

    // x[src], x[src + 2], ... -> col[dst .. dst+n)
    static void gatherStride2(float[] x, int src, float[] col, int dst, int n) {
        int i = 0;
        // the second load of lanes [i, i+L) reads x up to src + 2i + 2L - 1
        int upper = Math.min(F.loopBound(n), Math.floorDiv(x.length - src - 2 * L, 2) + 1);
        for (; i < upper; i += L) {
            var lo = FloatVector.fromArray(F, x, src + 2 * i);
            lo.rearrange(EVEN, FloatVector.fromArray(F, x, src + 2 * i + L)).intoArray(col, dst + i);
        }
        Im2col.gatherStrided(x, src + 2 * i, 2, col, dst + i, n - i);
    }
}
