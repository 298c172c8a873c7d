package io.mater.engine.cpu;

import io.mater.engine.Pool2dSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API twin of {@link PoolScalar#maxPool}: eight (one vector of) output cells of a row at a time,
 * each lane scanning its own window in the scalar order, so results are identical to the scalar kernel.
 * Used for horizontal strides 1 and 2 (stride 2 loads two vectors and keeps the even lanes) on the
 * output columns whose windows lie inside the input; edges and other strides go cell by cell.
 */
public final class PoolVector {
    private PoolVector() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** Lanes 0, 2, 4, ... of two concatenated vectors (indices past L pick from the second one). */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(F, i -> 2 * i);
    private static final FloatVector IOTA = FloatVector.zero(F).addIndex(1);

    /** Lanes x[at], x[at + sw], ... for sw 1 or 2. */
    private static FloatVector load(float[] x, int at, int sw) {
        var v = FloatVector.fromArray(F, x, at);
        return sw == 1 ? v : v.rearrange(EVEN, FloatVector.fromArray(F, x, at + L));
    }

    // x [h, w] -> y [oh, ow], argmax [oh, ow], as PoolScalar.maxPool
    static void maxPool(float[] x, int xo, int h, int w, Pool2dSpec s, float[] y, float[] arg, int yo, int oh, int ow) {
        int sw = s.strideW(), kw = s.kernelW(), pw = s.padW();
        if (sw > 2) {
            PoolScalar.maxPool(x, xo, h, w, s, y, arg, yo, oh, ow);
            return;
        }
        // output columns [a, b) have windows wholly inside the input columns
        int a = Math.min(ow, Math.ceilDiv(pw, sw));
        int b = Math.max(a, Math.min(ow, Math.floorDiv(w + pw - kw, sw) + 1));
        FloatVector laneOff = IOTA.mul(sw);
        for (int oy = 0; oy < oh; oy++) {
            int hs = oy * s.strideH() - s.padH(), he = Math.min(hs + s.kernelH(), h);
            hs = Math.max(hs, 0);
            int ox = 0;
            for (; ox < a; ox++) PoolScalar.maxCell(x, xo, h, w, s, y, arg, yo, ow, oy, ox);
            for (; ox + L <= b; ox += L) {
                int ws = ox * sw - pw;
                // the last load of the window reads (sw*L) floats from its start
                if (xo + (he - 1) * w + ws + kw - 1 + sw * L > x.length) break;
                var best = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
                var at = laneOff.add(hs * w + ws);
                for (int iy = hs; iy < he; iy++)
                    for (int j = 0; j < kw; j++) {
                        int cell = iy * w + ws + j;
                        var v = load(x, xo + cell, sw);
                        VectorMask<Float> take = v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v));
                        best = best.blend(v, take);
                        at = at.blend(laneOff.add(cell), take);
                    }
                best.intoArray(y, yo + oy * ow + ox);
                at.intoArray(arg, yo + oy * ow + ox);
            }
            for (; ox < ow; ox++) PoolScalar.maxCell(x, xo, h, w, s, y, arg, yo, ow, oy, ox);
        }
    }
}
