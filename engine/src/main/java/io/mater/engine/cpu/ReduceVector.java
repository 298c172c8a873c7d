package io.mater.engine.cpu;

import io.mater.engine.ReduceOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API twins of {@link ReduceScalar}: lane-parallel partial results, combined in a fixed order. */
public final class ReduceVector {
    private ReduceVector() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    public static void rows(ReduceOp op, float[] x, int xo, int rows, int cols, float[] out, int oo) {
        for (int r = 0; r < rows; r++) out[oo + r] = row(op, x, xo + r * cols, cols);
    }

    /** Reduction of one contiguous run of n values. */
    public static float row(ReduceOp op, float[] x, int o, int n) {
        int i = 0, upper = F.loopBound(n);
        return switch (op) {
            case SUM -> {
                var a0 = FloatVector.zero(F);
                var a1 = FloatVector.zero(F);
                for (; i + 2 * L <= upper; i += 2 * L) {
                    a0 = a0.add(FloatVector.fromArray(F, x, o + i));
                    a1 = a1.add(FloatVector.fromArray(F, x, o + i + L));
                }
                for (; i < upper; i += L) a0 = a0.add(FloatVector.fromArray(F, x, o + i));
                float s = VecMath.sum(a0.add(a1));
                for (; i < n; i++) s += x[o + i];
                yield s;
            }
            case MAX -> {
                var m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
                boolean nan = false;
                for (; i < upper; i += L) {
                    var v = FloatVector.fromArray(F, x, o + i);
                    nan |= v.test(VectorOperators.IS_NAN).anyTrue();
                    m = m.max(v);
                }
                float s = m.reduceLanes(VectorOperators.MAX);
                for (; i < n; i++) s = ReduceScalar.max(s, x[o + i]);
                yield nan ? Float.NaN : s;
            }
            case MIN -> {
                var m = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
                boolean nan = false;
                for (; i < upper; i += L) {
                    var v = FloatVector.fromArray(F, x, o + i);
                    nan |= v.test(VectorOperators.IS_NAN).anyTrue();
                    m = m.min(v);
                }
                float s = m.reduceLanes(VectorOperators.MIN);
                for (; i < n; i++) s = ReduceScalar.min(s, x[o + i]);
                yield nan ? Float.NaN : s;
            }
        };
    }

    public static void cols(ReduceOp op, float[] x, int xo, int rows, int cols, int ld, float[] out, int oo) {
        if (rows == 0) {
            float init = switch (op) {
                case SUM -> 0f;
                case MAX -> Float.NEGATIVE_INFINITY;
                case MIN -> Float.POSITIVE_INFINITY;
            };
            java.util.Arrays.fill(out, oo, oo + cols, init);
            return;
        }
        System.arraycopy(x, xo, out, oo, cols);
        int upper = F.loopBound(cols);
        for (int r = 1; r < rows; r++) {
            int base = xo + r * ld;
            int c = 0;
            for (; c < upper; c += L) {
                var acc = FloatVector.fromArray(F, out, oo + c);
                var v = FloatVector.fromArray(F, x, base + c);
                acc = switch (op) {
                    case SUM -> acc.add(v);
                    case MAX -> acc.max(v);
                    case MIN -> acc.min(v);
                };
                acc.intoArray(out, oo + c);
            }
            for (; c < cols; c++) {
                float a = out[oo + c], v = x[base + c];
                out[oo + c] = switch (op) {
                    case SUM -> a + v;
                    case MAX -> ReduceScalar.max(a, v);
                    case MIN -> ReduceScalar.min(a, v);
                };
            }
        }
    }
}
