package io.mater.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mater.engine.Conv2dSpec;
import io.mater.engine.Parallel;
import io.mater.engine.Pool2dSpec;
import io.mater.engine.Rng;
import io.mater.engine.Simd;
import io.mater.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fast convolution, pooling, batch-norm and LRN kernels against their scalar references on odd
 * shapes, and the backend ops' results against the thread count (bit-identical for 1, 2, 3 and 8 threads).
 */
class ConvKernelTest {
    private static final int THREADS = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    static float[] random(long seed, int n) {
        var rng = new Rng(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.nextGaussian();
        return a;
    }

    /** |e - a| <= tol * max(1, max |e|) everywhere. */
    static void close(String what, float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++)
            if (!(Math.abs(expected[i] - actual[i]) <= tol * scale))
                fail(what + " at " + i + ": reference " + expected[i] + " vs fast " + actual[i]);
    }

    static Conv2dSpec spec(int stride, int pad, int dilation, int groups) {
        return new Conv2dSpec(stride, stride, pad, pad, dilation, dilation, groups);
    }

    /** Convolutions that reach every path of ConvGemm: image blocks (full, partial, one), 1x1, groups. */
    static List<ConvGeometry> gemmCases() {
        var cases = new ArrayList<ConvGeometry>();
        cases.add(ConvGeometry.of(new int[] {5, 3, 7, 5}, new int[] {4, 3, 3, 2}, spec(1, 0, 1, 1)));   // one block of 5 images
        cases.add(ConvGeometry.of(new int[] {7, 2, 17, 17}, new int[] {3, 2, 3, 3}, spec(1, 1, 1, 1))); // one image per block
        cases.add(ConvGeometry.of(new int[] {9, 4, 8, 8}, new int[] {6, 2, 3, 3}, spec(1, 1, 1, 2)));  // blocks 4, 4, 1; groups
        cases.add(ConvGeometry.of(new int[] {3, 5, 17, 16}, new int[] {7, 5, 1, 1}, spec(1, 0, 1, 1))); // 1x1 without im2col
        cases.add(ConvGeometry.of(new int[] {6, 6, 4, 5}, new int[] {4, 3, 1, 1}, spec(1, 0, 1, 2)));  // 1x1 in blocks, groups
        cases.add(ConvGeometry.of(new int[] {2, 3, 19, 17}, new int[] {5, 3, 7, 7}, spec(2, 0, 1, 1))); // VGG-M conv1-like
        cases.add(ConvGeometry.of(new int[] {3, 6, 11, 10}, new int[] {5, 6, 5, 5}, spec(2, 1, 1, 1))); // VGG-M conv2-like
        cases.add(ConvGeometry.of(new int[] {2, 3, 9, 11}, new int[] {2, 3, 3, 2}, new Conv2dSpec(2, 1, 2, 1, 2, 3, 1)));
        cases.add(ConvGeometry.of(new int[] {4, 1, 9, 7}, new int[] {3, 1, 3, 3}, spec(1, 1, 1, 1)));  // one input channel
        cases.add(ConvGeometry.of(new int[] {3, 2, 7, 9}, new int[] {3, 2, 3, 3}, spec(1, 2, 2, 1)));  // dilated, same width
        cases.add(ConvGeometry.of(new int[] {2, 2, 5, 6}, new int[] {3, 2, 5, 3}, new Conv2dSpec(1, 1, 0, 1, 1, 1, 1))); // taller than wide
        return cases;
    }

    static List<ConvGeometry> depthwiseCases() {
        return List.of(
                ConvGeometry.of(new int[] {2, 3, 7, 9}, new int[] {3, 1, 3, 3}, spec(1, 1, 1, 3)),
                ConvGeometry.of(new int[] {3, 4, 9, 8}, new int[] {8, 1, 3, 2}, spec(2, 1, 1, 4)),
                ConvGeometry.of(new int[] {1, 2, 10, 11}, new int[] {6, 1, 3, 3}, new Conv2dSpec(1, 2, 2, 1, 2, 1, 2)));
    }

    static int size(int[] shape) {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    @Test
    void gemmConvolutionMatchesTheReference() {
        for (var threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (var g : gemmCases()) checkConv(g, false);
        }
    }

    @Test
    void depthwiseConvolutionMatchesTheReference() {
        for (var g : depthwiseCases()) {
            assertTrue(ConvDepthwise.applies(g));
            checkConv(g, true);
        }
    }

    private static void checkConv(ConvGeometry g, boolean depthwise) {
        String what = (depthwise ? "depthwise " : "gemm ") + Arrays.toString(g.xShape()) + " * " + Arrays.toString(g.wShape()) + " " + g.spec();
        // offsets into larger arrays check that every kernel honours them
        int off = 3;
        float[] x = random(1, off + size(g.xShape())), w = random(2, off + size(g.wShape()));
        float[] b = random(3, g.o()), gy = random(4, off + size(g.yShape()));
        float[] xr = Arrays.copyOfRange(x, off, x.length), wr = Arrays.copyOfRange(w, off, w.length), gyr = Arrays.copyOfRange(gy, off, gy.length);

        float[] yRef = new float[size(g.yShape())], y = new float[yRef.length];
        ConvScalar.forward(xr, wr, b, yRef, g);
        if (depthwise) ConvDepthwise.forward(x, off, w, off, b, y, g);
        else ConvGemm.forward(x, off, w, off, b, y, g);
        close(what + " forward", yRef, y, 1e-5);

        float[] gxRef = new float[size(g.xShape())], gx = new float[gxRef.length];
        ConvScalar.backwardInput(gyr, wr, gxRef, g);
        if (depthwise) ConvDepthwise.backwardInput(gy, off, w, off, gx, g);
        else ConvGemm.backwardInput(gy, off, w, off, gx, g);
        close(what + " input gradient", gxRef, gx, 1e-5);

        float[] gwRef = new float[size(g.wShape())], gw = new float[gwRef.length];
        Arrays.fill(gw, Float.NaN); // the kernel must overwrite, not add to, what is there
        ConvScalar.backwardWeight(gyr, xr, gwRef, g);
        if (depthwise) ConvDepthwise.backwardWeight(gy, off, x, off, gw, g);
        else ConvGemm.backwardWeight(gy, off, x, off, gw, g);
        close(what + " weight gradient", gwRef, gw, 1e-5);
    }

    @Test
    void col2imIsTheAdjointOfIm2col() {
        // <im2col(x), c> = <x, col2im(c)> for every x and c
        for (var g : gemmCases()) {
            int rows = g.c() * g.kh() * g.kw(), cols = g.ohw(), hw = g.c() * g.hw();
            float[] x = random(5, hw), c = random(6, rows * cols), col = new float[rows * cols], back = new float[hw];
            Im2col.im2col(x, 0, g, 0, g.c(), col, 0, cols);
            Im2col.col2im(c, 0, cols, g, 0, g.c(), back, 0);
            double lhs = 0, rhs = 0;
            for (int i = 0; i < col.length; i++) lhs += (double) col[i] * c[i];
            for (int i = 0; i < hw; i++) rhs += (double) x[i] * back[i];
            assertEquals(lhs, rhs, 1e-9 * Math.max(1, Math.abs(lhs)) + 1e-4, g.toString());
        }
    }

    @Test
    void im2colHandComputed() {
        // x [1, 3, 3] = 1..9, 2x2 kernel, stride 2, pad 1: output 2x2
        var g = ConvGeometry.of(new int[] {1, 1, 3, 3}, new int[] {1, 1, 2, 2}, spec(2, 1, 1, 1));
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9}, col = new float[16];
        Im2col.im2col(x, 0, g, 0, 1, col, 0, 4);
        assertArrayEquals(new float[] {0, 0, 0, 5, 0, 0, 4, 6, 0, 2, 0, 8, 1, 3, 7, 9}, col);
    }

    @Test
    void stride2GatherVectorMatchesScalar() {
        assumeTrue(Simd.ENABLED, "Vector API not in the module graph");
        for (int n : new int[] {1, 7, 8, 17, 33, 127}) {
            for (int slack = 0; slack < 20; slack++) { // rows ending near the end of the array
                float[] x = random(n + slack, 2 * n + slack);
                int src = x.length - 2 * n + 1 - (slack % 2);
                if (src < 0) continue;
                float[] s = new float[n + 2], v = new float[n + 2];
                Im2col.gatherStrided(x, src, 2, s, 1, n);
                Im2colVector.gatherStride2(x, src, v, 1, n);
                assertArrayEquals(s, v, "n=" + n + " src=" + src);
            }
        }
    }

    // ------------------------------------------------------------------ pooling

    static List<Pool2dSpec> poolSpecs() {
        return List.of(Pool2dSpec.of(2, 2), Pool2dSpec.of(3, 2), new Pool2dSpec(3, 3, 2, 2, 0, 0, true),
                new Pool2dSpec(3, 3, 2, 2, 1, 1, true), new Pool2dSpec(3, 3, 1, 1, 1, 1, false), new Pool2dSpec(2, 3, 1, 2, 1, 1, true),
                new Pool2dSpec(3, 3, 3, 3, 1, 1, true), new Pool2dSpec(1, 1, 2, 2, 0, 0, false), new Pool2dSpec(5, 4, 2, 2, 2, 2, false));
    }

    @Test
    void maxPoolVectorMatchesScalarExactly() {
        assumeTrue(Simd.ENABLED, "Vector API not in the module graph");
        int[][] planes = {{5, 5}, {7, 17}, {9, 33}, {45, 45}, {10, 10}, {6, 127}, {3, 8}};
        long seed = 0;
        for (var s : poolSpecs())
            for (int[] hw : planes) {
                int h = hw[0], w = hw[1];
                if (s.outH(h) < 1 || s.outW(w) < 1) continue;
                int oh = s.outH(h), ow = s.outW(w);
                for (int kind = 0; kind < 3; kind++) {
                    float[] x = random(seed++, h * w + 2);
                    for (int i = 0; i < x.length; i++) {
                        if (kind == 1) x[i] = Math.round(x[i]);                 // many ties
                        if (kind == 2 && i % 7 == 3) x[i] = i % 2 == 0 ? Float.NaN : Float.NEGATIVE_INFINITY;
                    }
                    float[] ys = new float[oh * ow + 1], as = new float[ys.length], yv = new float[ys.length], av = new float[ys.length];
                    PoolScalar.maxPool(x, 2, h, w, s, ys, as, 1, oh, ow);
                    PoolVector.maxPool(x, 2, h, w, s, yv, av, 1, oh, ow);
                    String what = s + " on " + h + "x" + w + " kind " + kind;
                    assertArrayEquals(ys, yv, what + ": max");
                    assertArrayEquals(as, av, what + ": argmax");
                }
            }
    }

    @Test
    void maxPoolHandComputed() {
        // ties go to the first max in scan order; a NaN wins; windows clipped to the input
        float[] x = {1, 3, 3, 0,
                     3, 2, 1, Float.NaN,
                     0, 0, 0, 2};
        var s = new Pool2dSpec(2, 2, 2, 2, 0, 0, true);
        int oh = s.outH(3), ow = s.outW(4);
        float[] y = new float[oh * ow], a = new float[y.length];
        PoolScalar.maxPool(x, 0, 3, 4, s, y, a, 0, oh, ow);
        assertArrayEquals(new float[] {3, Float.NaN, 0, 2}, y);
        assertArrayEquals(new float[] {1, 7, 8, 11}, a);
    }

    @Test
    void avgPoolDivisorHandComputed() {
        // 1x6 row of ones, kernel 1x3, stride 2, pad 1, ceil: windows start at -1, 1, 3, 5. The first counts its
        // padded cell (2/3); the last, [5, 8), is clipped at w + pad = 7, so it counts one padded cell but not
        // the cell past the padding (1/2)
        float[] x = {1, 1, 1, 1, 1, 1};
        var s = new Pool2dSpec(1, 3, 1, 2, 0, 1, true);
        assertEquals(4, s.outW(6));
        float[] y = new float[4];
        PoolScalar.avgPool(x, 0, 1, 6, s, y, 0, 1, 4);
        assertArrayEquals(new float[] {2f / 3, 1, 1, 0.5f}, y, 1e-7f);
    }

    // ------------------------------------------------------------------ batch norm and LRN

    static final int[] LENGTHS = {1, 7, 8, 17, 33, 127, 1000};

    @Test
    void batchNormVectorMatchesScalar() {
        assumeTrue(Simd.ENABLED, "Vector API not in the module graph");
        for (int n : LENGTHS) {
            float[] x = random(n, n + 3), gy = random(n + 1, n + 3);
            for (int i = 0; i < x.length; i++) x[i] = 50 + x[i];
            String what = "n=" + n;
            assertEquals(BatchNormScalar.sum(x, 3, n, 50.5f), BatchNormVector.sum(x, 3, n, 50.5f), 1e-5 * n, what + " sum");
            assertEquals(BatchNormScalar.squaredDeviation(x, 3, n, 50.1f), BatchNormVector.squaredDeviation(x, 3, n, 50.1f), 1e-5 * n, what + " squared deviation");
            assertEquals(BatchNormScalar.dot(gy, 1, x, 3, n, 50.1f), BatchNormVector.dot(gy, 1, x, 3, n, 50.1f), 1e-5 * n, what + " dot");
            float[] ys = new float[n], yv = new float[n];
            BatchNormScalar.normalize(x, 3, ys, 0, n, 50.1f, 1.7f, -0.3f);
            BatchNormVector.normalize(x, 3, yv, 0, n, 50.1f, 1.7f, -0.3f);
            assertArrayEquals(ys, yv, what + " normalize");
            BatchNormScalar.backward(gy, 1, x, 3, ys, 0, n, 50.1f, 1.7f, 0.4f, 0.2f);
            BatchNormVector.backward(gy, 1, x, 3, yv, 0, n, 50.1f, 1.7f, 0.4f, 0.2f);
            assertArrayEquals(ys, yv, what + " backward");
            BatchNormScalar.scale(gy, 1, ys, 0, n, 1.3f);
            BatchNormVector.scale(gy, 1, yv, 0, n, 1.3f);
            assertArrayEquals(ys, yv, what + " scale");
        }
    }

    @Test
    void lrnVectorMatchesScalar() {
        assumeTrue(Simd.ENABLED, "Vector API not in the module graph");
        int[][] sizes = {{5}, {4}, {1}, {3}};
        float[][] params = {{2.5e-3f, 0.75f, 2f}, {0.3f, 0.6f, 1f}, {0.5f, 0.75f, 1f}, {0.2f, 1.5f, 0.5f}};
        for (int[] cs : new int[][] {{1, 7}, {3, 17}, {7, 33}, {10, 127}}) {
            int c = cs[0], hw = cs[1];
            for (int t = 0; t < params.length; t++) {
                int size = sizes[t][0];
                float alpha = params[t][0], beta = params[t][1], k = params[t][2];
                float[] x = random(c * 100 + hw, c * hw + 2), gy = random(c + hw, c * hw + 2);
                for (int i = 0; i < x.length; i++) x[i] *= 5;
                float[] ys = new float[c * hw], ss = new float[c * hw], yv = new float[c * hw], sv = new float[c * hw];
                LrnScalar.forward(x, 2, ys, ss, 0, c, hw, 0, hw, size, alpha, beta, k);
                LrnVector.forward(x, 2, yv, sv, 0, c, hw, 0, hw, size, alpha, beta, k);
                String what = "c=" + c + " hw=" + hw + " size=" + size + " beta=" + beta;
                assertArrayEquals(ss, sv, what + ": s");
                close(what + ": y", ys, yv, 2e-6);
                float[] gs = new float[c * hw], gv = new float[c * hw], tb = new float[c * hw];
                LrnScalar.backward(gy, 2, x, 2, ys, ss, 0, gs, 0, c, hw, 0, hw, size, alpha, beta, tb);
                LrnVector.backward(gy, 2, x, 2, ys, ss, 0, gv, 0, c, hw, 0, hw, size, alpha, beta, tb);
                close(what + ": gx", gs, gv, 2e-6);
            }
        }
    }

    @Test
    void lrnHandComputed() {
        // two channels, size 3: every window holds both channels
        float[] x = {1, 2}, y = new float[2], s = new float[2];
        LrnScalar.forward(x, 0, y, s, 0, 2, 1, 0, 1, 3, 0.3f, 0.5f, 1f);
        float sv = 1f + 0.1f * 5f;
        assertArrayEquals(new float[] {sv, sv}, s, 1e-6f);
        assertArrayEquals(new float[] {(float) (1 / Math.sqrt(sv)), (float) (2 / Math.sqrt(sv))}, y, 1e-6f);
    }

    // ------------------------------------------------------------------ thread-count determinism

    private static void sameForThreads(String what, Supplier<Tensor[]> op) {
        List<float[]> first = null;
        for (int threads : new int[] {1, 2, 3, 8}) {
            Parallel.setThreads(threads);
            List<float[]> out = new ArrayList<>();
            for (Tensor t : op.get()) if (t != null) out.add(t.toArray());
            if (first == null) first = out;
            else for (int i = 0; i < out.size(); i++)
                assertArrayEquals(first.get(i), out.get(i), what + ": output " + i + " with " + threads + " threads");
        }
    }

    static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), shape);
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        var be = CpuBackend.INSTANCE;
        for (var g : gemmCases()) {
            Tensor x = randn(1, g.xShape()), w = randn(2, g.wShape()), b = randn(3, g.o()), gy = randn(4, g.yShape());
            sameForThreads("conv " + g, () -> new Tensor[] {be.conv2d(x, w, b, g.spec()),
                    be.conv2dBackwardInput(gy, w, g.xShape(), g.spec()), be.conv2dBackwardWeight(gy, x, g.wShape(), g.spec())});
        }
        for (var g : depthwiseCases()) {
            Tensor x = randn(1, g.xShape()), w = randn(2, g.wShape()), gy = randn(4, g.yShape());
            sameForThreads("depthwise " + g, () -> new Tensor[] {be.conv2d(x, w, null, g.spec()),
                    be.conv2dBackwardInput(gy, w, g.xShape(), g.spec()), be.conv2dBackwardWeight(gy, x, g.wShape(), g.spec())});
        }
        Tensor x = randn(5, 5, 7, 19, 17);
        for (var s : poolSpecs()) {
            Tensor gy = randn(6, 5, 7, s.outH(19), s.outW(17));
            sameForThreads("max_pool " + s, () -> {
                Tensor[] r = be.maxPool2d(x, s);
                return new Tensor[] {r[0], r[1], be.maxPool2dBackward(gy, r[1], x.shape())};
            });
            sameForThreads("avg_pool " + s, () -> new Tensor[] {be.avgPool2d(x, s), be.avgPool2dBackward(gy, x.shape(), s)});
        }
        Tensor w = randn(7, 7), b = randn(8, 7), rm = randn(9, 7), rv = Tensor.uniform(new Rng(10), 0.5f, 2f, 7), gy = randn(11, 5, 7, 19, 17);
        for (boolean training : new boolean[] {true, false}) {
            sameForThreads("batch_norm training=" + training, () -> {
                Tensor[] r = be.batchNorm(x, w, b, rm, rv, training, 1e-5f);
                Tensor[] g = be.batchNormBackward(gy, x, w, r[1], r[2], training);
                return new Tensor[] {r[0], r[1], r[2], g[0], g[1], g[2]};
            });
        }
        Tensor big = randn(12, 2, 9, 40, 30), gyBig = randn(13, 2, 9, 40, 30); // 1200 positions: two LRN blocks
        sameForThreads("lrn", () -> {
            Tensor[] r = be.localResponseNorm(big, 5, 2.5e-3f, 0.75f, 2f);
            return new Tensor[] {r[0], r[1], be.localResponseNormBackward(gyBig, big, r[0], r[1], 5, 2.5e-3f, 0.75f)};
        });
    }
}
