package io.mater.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CPU backend's strided ops against plain double-precision references, and thread-count determinism. */
class CpuBackendTest {
    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    /** Reference reduction by walking every element of a (any strides). */
    static float[] naiveSum(Tensor a, int[] axes) {
        int[] shape = a.shape();
        boolean[] red = new boolean[shape.length];
        for (int ax : axes) red[ax] = true;
        int[] outShape = Shape.reduced(shape, axes, true);
        double[] acc = new double[(int) Shape.numel(outShape)];
        int[] outStrides = Shape.contiguousStrides(outShape);
        int[] idx = new int[shape.length];
        for (int e = 0; e < a.numel(); e++) {
            int o = 0;
            for (int d = 0; d < shape.length; d++) if (!red[d]) o += idx[d] * outStrides[d];
            acc[o] += a.get(idx);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        float[] out = new float[acc.length];
        for (int i = 0; i < acc.length; i++) out[i] = (float) acc[i];
        return out;
    }

    @Test
    void reductionsOverEveryAxisSubsetOfStridedInputs() {
        Tensor base = Tensor.randn(new Rng(1), 3, 4, 5, 6);
        List<Tensor> inputs = List.of(base, base.permute(2, 0, 3, 1), base.slice(3, 1, 6, 2), base.narrow(0, 1, 2).mT());
        for (Tensor a : inputs) {
            int r = a.dim();
            for (int mask = 1; mask < (1 << r); mask++) {
                var axes = new ArrayList<Integer>();
                for (int d = 0; d < r; d++) if ((mask & (1 << d)) != 0) axes.add(d);
                int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
                float[] expected = naiveSum(a, ax);
                float[] actual = a.sum(ax, true).toArray();
                assertArrayEquals(expected, actual, 1e-4f, "sum over " + axes + " of " + Shape.str(a.shape()));
                assertEquals(expected.length, Reductions.max(a, ax, false).numel());
            }
        }
        // max over axes {0, 2} of a permuted view, against a direct scan
        Tensor p = base.permute(3, 1, 0, 2);
        float[] m = Reductions.max(p, new int[] {0, 2}, false).toArray();
        for (int j = 0; j < 4; j++) for (int l = 0; l < 5; l++) {
            float best = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < 6; i++) for (int k = 0; k < 3; k++) best = Math.max(best, p.get(i, j, k, l));
            assertEquals(best, m[j * 5 + l]);
        }
    }

    static float[] naiveMatmul(Tensor a, Tensor b) {
        // a [B..., M, K] @ b [B..., K, N] with broadcasting, by index arithmetic
        int[] as = a.shape(), bs = b.shape();
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        int[] batch = Shape.broadcast(java.util.Arrays.copyOf(as, as.length - 2), java.util.Arrays.copyOf(bs, bs.length - 2));
        Tensor ae = a.expand(concat(batch, m, k)), be = b.expand(concat(batch, k, n));
        int nb = (int) Shape.numel(batch);
        float[] out = new float[nb * m * n];
        int[] bi = new int[batch.length];
        for (int t = 0; t < nb; t++) {
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) ae.get(concat(bi, i, p)) * be.get(concat(bi, p, j));
                out[(t * m + i) * n + j] = (float) s;
            }
            for (int d = batch.length - 1; d >= 0; d--) {
                if (++bi[d] < batch[d]) break;
                bi[d] = 0;
            }
        }
        return out;
    }

    static int[] concat(int[] head, int x, int y) {
        int[] r = java.util.Arrays.copyOf(head, head.length + 2);
        r[head.length] = x;
        r[head.length + 1] = y;
        return r;
    }

    @Test
    void matmulLayouts() {
        Rng rng = new Rng(7);
        List<Tensor[]> cases = List.of(
                new Tensor[] {Tensor.randn(rng, 7, 5), Tensor.randn(rng, 5, 3)},
                new Tensor[] {Tensor.randn(rng, 5, 7).mT(), Tensor.randn(rng, 5, 3)},
                new Tensor[] {Tensor.randn(rng, 7, 5), Tensor.randn(rng, 3, 5).mT()},
                new Tensor[] {Tensor.randn(rng, 5, 7).mT(), Tensor.randn(rng, 3, 5).mT()},
                new Tensor[] {Tensor.randn(rng, 2, 3, 7, 5), Tensor.randn(rng, 5, 4)},
                new Tensor[] {Tensor.randn(rng, 2, 3, 5, 7).mT(), Tensor.randn(rng, 5, 4)},
                new Tensor[] {Tensor.randn(rng, 2, 1, 7, 5), Tensor.randn(rng, 3, 5, 4)},
                new Tensor[] {Tensor.randn(rng, 3, 2, 7, 5).permute(1, 0, 2, 3), Tensor.randn(rng, 2, 3, 5, 4)},
                new Tensor[] {Tensor.randn(rng, 7, 5), Tensor.randn(rng, 4, 5, 3)},
                new Tensor[] {Tensor.randn(rng, 4, 6, 10).slice(2, 0, 10, 2), Tensor.randn(rng, 4, 5, 3)},
                new Tensor[] {Tensor.randn(rng, 1, 1), Tensor.randn(rng, 1, 9)},
                new Tensor[] {Tensor.randn(rng, 33, 17), Tensor.randn(rng, 17, 65)});
        for (Tensor[] c : cases) {
            float[] expected = naiveMatmul(c[0], c[1]);
            float[] actual = c[0].matmul(c[1]).toArray();
            assertArrayEquals(expected, actual, 1e-4f, Shape.str(c[0].shape()) + " @ " + Shape.str(c[1].shape()));
        }
        // bias is added to every row
        Tensor x = Tensor.randn(rng, 2, 3, 5), w = Tensor.randn(rng, 4, 5), b = Tensor.randn(rng, 4);
        assertArrayEquals(x.matmul(w.mT()).add(b).toArray(), MatMul.linear(x, w, b).toArray(), 1e-5f);
    }

    /** Runs the supplier with 1 and then 2 threads and checks the results are bit-identical. */
    static void sameWithThreads(String what, Supplier<float[]> f) {
        Parallel.setThreads(1);
        float[] one = f.get();
        Parallel.setThreads(2);
        float[] two = f.get();
        Parallel.setThreads(3);
        float[] three = f.get();
        assertArrayEquals(one, two, what + ": 1 vs 2 threads");
        assertArrayEquals(one, three, what + ": 1 vs 3 threads");
    }

    @Test
    void threadCountDoesNotChangeResults() {
        Rng rng = new Rng(3);
        Tensor a = Tensor.randn(rng, 64, 300), b = Tensor.randn(rng, 300, 130), v = Tensor.randn(rng, 300);
        sameWithThreads("binary", () -> a.mul(a.add(v)).toArray());
        sameWithThreads("exp", () -> a.exp().toArray());
        sameWithThreads("sum rows", () -> a.sum(1, false).toArray());
        sameWithThreads("sum cols", () -> a.sum(0, false).toArray());
        sameWithThreads("matmul", () -> a.matmul(b).toArray());
        sameWithThreads("softmax", () -> a.softmax(-1).toArray());
        sameWithThreads("layer_norm", () -> Normalization.layerNorm(a, new int[] {300}, v, v, 1e-5f).toArray());
        sameWithThreads("dropout", () -> Elementwise.dropout(a, 0.1f, true, 5).toArray());
        sameWithThreads("layer_norm backward", () -> {
            Tensor w = v.detach().requiresGrad(true);
            Tensor x = a.detach().requiresGrad(true);
            Normalization.layerNorm(x, new int[] {300}, w, null, 1e-5f).square().sum().backward();
            float[] gx = x.grad().toArray(), gw = w.grad().toArray();
            float[] all = java.util.Arrays.copyOf(gx, gx.length + gw.length);
            System.arraycopy(gw, 0, all, gx.length, gw.length);
            return all;
        });
        Tensor q = Tensor.randn(rng, 4, 8, 16, 64);
        sameWithThreads("attention", () -> Attention.scaledDotProduct(q, q, q).toArray());
    }

    @Test
    void parallelErrorsReachTheCaller() {
        Parallel.setThreads(2);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Parallel.range(100, 1, (from, to) -> {
                    if (from > 0) throw new IllegalStateException("boom");
                }));
        assertEquals("boom", e.getMessage());
        assertTrue(Parallel.threads() == 2);
    }
}
