package io.mater.engine.cpu;

/**
 * Loops over strided n-d layouts. Dimensions that are laid out contiguously in every operand are merged
 * first ("coalesced"), so the common cases become one long inner loop.
 */
public final class Strided {
    private Strided() {}

    /**
     * A coalesced layout of one output shape and the strides of up to three operands over it. The inner
     * dimension is the last; {@code outer()} iterations each cover {@code inner()} elements.
     */
    public record Layout(int[] shape, int[][] strides) {
        public int rank() {
            return shape.length;
        }

        public int inner() {
            return shape.length == 0 ? 1 : shape[shape.length - 1];
        }

        public long outer() {
            long n = 1;
            for (int i = 0; i < shape.length - 1; i++) n *= shape[i];
            return n;
        }

        public int innerStride(int operand) {
            return shape.length == 0 ? 0 : strides[operand][shape.length - 1];
        }

        /** Offsets of each operand at the start of outer iteration o. */
        public void offsets(long o, int[] base, int[] out) {
            for (int k = 0; k < out.length; k++) out[k] = base[k];
            for (int d = shape.length - 2; d >= 0 && o > 0; d--) {
                int i = (int) (o % shape[d]);
                o /= shape[d];
                for (int k = 0; k < out.length; k++) out[k] += i * strides[k][d];
            }
        }
    }

    /** Merges adjacent dims that are contiguous in every operand; drops size-1 dims. */
    public static Layout coalesce(int[] shape, int[]... strides) {
        int ops = strides.length;
        int[] s = new int[shape.length];
        int[][] st = new int[ops][shape.length];
        int n = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (n > 0) {
                boolean merge = true;
                for (int k = 0; k < ops; k++)
                    if (st[k][n - 1] != strides[k][d] * shape[d]) {
                        merge = false;
                        break;
                    }
                if (merge) {
                    s[n - 1] *= shape[d];
                    for (int k = 0; k < ops; k++) st[k][n - 1] = strides[k][d];
                    continue;
                }
            }
            s[n] = shape[d];
            for (int k = 0; k < ops; k++) st[k][n] = strides[k][d];
            n++;
        }
        int[] fs = java.util.Arrays.copyOf(s, n);
        int[][] fst = new int[ops][];
        for (int k = 0; k < ops; k++) fst[k] = java.util.Arrays.copyOf(st[k], n);
        return new Layout(fs, fst);
    }

    /** dst (layout strides[0], offset dOff) = src (strides[1], offset sOff), element by element. */
    public static void copy(float[] src, int sOff, int[] sStrides, float[] dst, int dOff, int[] dStrides, int[] shape, boolean accumulate) {
        for (int d : shape) if (d == 0) return;
        Layout l = coalesce(shape, dStrides, sStrides);
        int inner = l.inner();
        int ds = l.innerStride(0), ss = l.innerStride(1);
        long outer = l.outer();
        if (outer == 1 && !accumulate && ds == 1 && ss == 1) {
            System.arraycopy(src, sOff, dst, dOff, inner);
            return;
        }
        int grain = Math.max(1, (1 << 15) / Math.max(inner, 1));
        io.mater.engine.Parallel.range((int) outer, grain, (from, to) -> {
            int[] off = new int[2];
            for (int o = from; o < to; o++) {
                l.offsets(o, new int[] {dOff, sOff}, off);
                int d = off[0], s = off[1];
                if (accumulate) {
                    for (int i = 0; i < inner; i++) dst[d + i * ds] += src[s + i * ss];
                } else if (ds == 1 && ss == 1) {
                    System.arraycopy(src, s, dst, d, inner);
                } else {
                    for (int i = 0; i < inner; i++) dst[d + i * ds] = src[s + i * ss];
                }
            }
        });
    }

    /** Sets every element of a strided view to value. */
    public static void fill(float[] dst, int off, int[] strides, int[] shape, float value) {
        for (int d : shape) if (d == 0) return;
        Layout l = coalesce(shape, strides);
        int inner = l.inner(), ds = l.innerStride(0);
        long outer = l.outer();
        int[] o1 = new int[1];
        for (long o = 0; o < outer; o++) {
            l.offsets(o, new int[] {off}, o1);
            int d = o1[0];
            if (ds == 1) java.util.Arrays.fill(dst, d, d + inner, value);
            else for (int i = 0; i < inner; i++) dst[d + i * ds] = value;
        }
    }
}
