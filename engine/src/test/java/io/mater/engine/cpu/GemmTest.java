package io.mater.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mater.engine.Parallel;
import io.mater.engine.Simd;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Vector API SGEMM against the scalar reference (double accumulation), and its determinism. */
class GemmTest {
    private static final int THREADS = Parallel.threads();

    @BeforeAll
    static void vectorKernelsAreOn() {
        // The tests run with --add-modules jdk.incubator.vector; without it they would only test the scalar twin.
        assertTrue(Simd.ENABLED, "Simd.ENABLED is false: the tests must run with the Vector API");
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    /** One GEMM problem: op(A) [m x k], op(B) [k x n], C [m x n] stored with padding and offsets. */
    private record Problem(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

        static Problem random(SplittableRandom rnd, boolean transA, boolean transB, int m, int n, int k,
                              float alpha, float beta, boolean padded) {
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            int lda = aCols + (padded ? rnd.nextInt(5) : 0), ldb = bCols + (padded ? rnd.nextInt(5) : 0);
            int ldc = n + (padded ? rnd.nextInt(5) : 0);
            int aOff = padded ? rnd.nextInt(7) : 0, bOff = padded ? rnd.nextInt(7) : 0, cOff = padded ? rnd.nextInt(7) : 0;
            float[] a = fill(rnd, new float[aOff + aRows * lda + 3]);
            float[] b = fill(rnd, new float[bOff + bRows * ldb + 3]);
            float[] c = new float[cOff + m * ldc + 3];
            // beta == 0 must not read C: fill it with NaN then
            if (beta == 0f) Arrays.fill(c, Float.NaN);
            else fill(rnd, c);
            return new Problem(transA, transB, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }

        float[] scalar() {
            float[] out = c.clone();
            GemmScalar.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        float[] parallel() {
            float[] out = c.clone();
            Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        float[] serial() {
            float[] out = c.clone();
            Gemm.sgemmSerial(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        float a(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float b(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        /** sum_p |op(A)[i][p] op(B)[p][j]|, the scale of the rounding error of C[i][j]. */
        double[] magnitudes() {
            double[] mag = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    double av = Math.abs(a(i, p));
                    for (int j = 0; j < n; j++) mag[i * n + j] += av * Math.abs(b(p, j));
                }
            }
            return mag;
        }

        void assertClose(float[] want, float[] got) {
            assertClose(want, magnitudes(), got);
        }

        /** Checks got against the reference: close inside the m x n window, untouched outside it. */
        void assertClose(float[] want, double[] mag, float[] got) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = cOff + i * ldc + j;
                    double scale = Math.abs(alpha) * mag[i * n + j] + (beta == 0f ? 0 : Math.abs(beta * c[ci]));
                    // float32 accumulation error bound: (k + 2) unit roundoffs of sum |a||b| (plus the C term)
                    double tol = (k + 2) * 0x1p-24 * scale + 1e-30;
                    if (Float.isNaN(got[ci]) || Math.abs(got[ci] - want[ci]) > tol) {
                        fail(this + ": C[" + i + "][" + j + "] = " + got[ci] + ", want " + want[ci] + " (tol " + tol + ")");
                    }
                }
            }
            for (int x = 0; x < got.length; x++) {
                int r = x - cOff;
                boolean inside = r >= 0 && r / ldc < m && r % ldc < n;
                if (!inside && Float.floatToRawIntBits(got[x]) != Float.floatToRawIntBits(c[x]))
                    fail(this + ": C[" + x + "] outside the result window was written");
            }
        }

        @Override
        public String toString() {
            return "sgemm(" + (transA ? "T" : "N") + (transB ? "T" : "N") + ", m=" + m + ", n=" + n + ", k=" + k
                    + ", alpha=" + alpha + ", beta=" + beta + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ")";
        }
    }

    private static float[] fill(SplittableRandom rnd, float[] x) {
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    private static final float[][] ALPHA_BETA = {{1f, 0f}, {1f, 1f}, {-0.75f, 0f}, {1.5f, -0.5f}, {0.5f, 1f}};

    private static void checkShape(SplittableRandom rnd, int m, int n, int k) {
        for (int t = 0; t < 4; t++) {
            float[] ab = ALPHA_BETA[rnd.nextInt(ALPHA_BETA.length)];
            var p = Problem.random(rnd, (t & 1) != 0, (t & 2) != 0, m, n, k, ab[0], ab[1], rnd.nextBoolean());
            float[] want = p.scalar();
            double[] mag = p.magnitudes();
            p.assertClose(want, mag, p.parallel());
            p.assertClose(want, mag, p.serial());
        }
    }

    @Test
    void oddSmallShapes() {
        var rnd = new SplittableRandom(1);
        int[] sizes = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 31, 33};
        for (int m : sizes) for (int n : sizes) for (int k : new int[] {1, 7, 17, 33}) checkShape(rnd, m, n, k);
    }

    @Test
    void randomShapesUpTo127() {
        var rnd = new SplittableRandom(2);
        int[] sizes = {1, 7, 17, 33, 63, 64, 65, 127};
        for (int i = 0; i < 60; i++) {
            checkShape(rnd, sizes[rnd.nextInt(sizes.length)], sizes[rnd.nextInt(sizes.length)], sizes[rnd.nextInt(sizes.length)]);
        }
    }

    @Test
    void blockBoundaries() {
        var rnd = new SplittableRandom(3);
        int kc = GemmVector.KC, mc = GemmVector.MC;
        // k around the K block (and two blocks), m around the M block, n around a multiple of the tile width
        for (int k : new int[] {kc - 1, kc, kc + 1, 2 * kc + 3}) checkShape(rnd, 9, 37, k);
        for (int m : new int[] {mc - 1, mc, mc + 1, 2 * mc + 5}) checkShape(rnd, m, 70, 40);
        for (int n : new int[] {4 * GemmVector.NR - 1, 4 * GemmVector.NR, 4 * GemmVector.NR + 1}) checkShape(rnd, 131, n, 300);
        // n past the N block, thin
        checkShape(rnd, 5, GemmVector.NC + 9, 3);
    }

    @Test
    void largeProblemUsesPackedPanels() {
        var rnd = new SplittableRandom(4);
        checkShape(rnd, 200, 300, 530);
    }

    @Test
    void kZeroScalesC() {
        var rnd = new SplittableRandom(5);
        for (float beta : new float[] {0f, 1f, -2f}) {
            var p = Problem.random(rnd, false, true, 6, 19, 0, 1f, beta, true);
            float[] got = p.parallel();
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 19; j++) {
                    int ci = p.cOff + i * p.ldc + j;
                    assertEquals(beta == 0f ? 0f : beta * p.c[ci], got[ci], 0f, "C[" + i + "][" + j + "]");
                }
            }
            p.assertClose(p.scalar(), got);
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        var rnd = new SplittableRandom(6);
        for (int t = 0; t < 4; t++) {
            var p = Problem.random(rnd, (t & 1) != 0, (t & 2) != 0, 45, 83, 29, 1f, 0f, true);
            float[] got = p.parallel();
            for (int i = 0; i < p.m; i++) {
                for (int j = 0; j < p.n; j++) assertTrue(!Float.isNaN(got[p.cOff + i * p.ldc + j]), p + " left a NaN");
            }
        }
    }

    /** Bit-identical results for 1, 2, 3 and 4 threads, on every path (dot products, blocked, both splits). */
    @Test
    void everyThreadCountGivesTheSameBits() {
        var rnd = new SplittableRandom(7);
        int[][] shapes = {{300, 70, 260}, {70, 300, 260}, {129, 131, 77}, {257, 24, 100}, {64, 64, 513}, {16, 300, 64}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                var p = Problem.random(rnd, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 0.5f, 1f, true);
                Parallel.setThreads(1);
                float[] one = p.parallel();
                assertArrayEquals(one, p.serial(), p + ": serial differs from 1 thread");
                for (int threads = 2; threads <= 4; threads++) {
                    Parallel.setThreads(threads);
                    float[] many = p.parallel();
                    for (int x = 0; x < one.length; x++) {
                        if (Float.floatToRawIntBits(one[x]) != Float.floatToRawIntBits(many[x]))
                            fail(p + ": " + threads + " threads differ from 1 at C[" + x + "]");
                    }
                }
                p.assertClose(p.scalar(), one);
            }
        }
    }

    @Test
    void batchedMatchesOneGemmPerMatrix() {
        var rnd = new SplittableRandom(8);
        // attention shapes: [T x d] [d x T] and [T x T] [T x d], T = 8 and 16, plus odd ones
        int[][] shapes = {{8, 8, 64}, {8, 64, 8}, {16, 16, 64}, {16, 64, 16}, {7, 5, 33}, {3, 17, 1}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
                int m = s[0], n = s[1], k = s[2], batch = 37;
                int lda = (transA ? m : k) + 1, ldb = transB ? k : n, ldc = n + 2;
                int strideA = (transA ? k : m) * lda + 3, strideB = t == 3 ? 0 : (transB ? n : k) * ldb;
                int strideC = m * ldc + 1;
                float[] a = fill(rnd, new float[2 + batch * strideA]);
                float[] b = fill(rnd, new float[1 + Math.max(1, batch * strideB) + (transB ? n : k) * ldb]);
                float[] c = fill(rnd, new float[batch * strideC + 5]);
                float beta = t == 0 ? 0f : 0.25f;
                float[] got = c.clone();
                Gemm.sgemmBatched(transA, transB, m, n, k, 1.25f, a, 2, strideA, lda, b, 1, strideB, ldb,
                        beta, got, 4, strideC, ldc, batch);
                Parallel.setThreads(1);
                float[] oneThread = c.clone();
                Gemm.sgemmBatched(transA, transB, m, n, k, 1.25f, a, 2, strideA, lda, b, 1, strideB, ldb,
                        beta, oneThread, 4, strideC, ldc, batch);
                Parallel.setThreads(THREADS);
                assertArrayEquals(oneThread, got, "batched results depend on the thread count");
                float[] want = c.clone();
                for (int i = 0; i < batch; i++) {
                    GemmScalar.sgemm(transA, transB, m, n, k, 1.25f, a, 2 + i * strideA, lda, b, 1 + i * strideB, ldb,
                            beta, want, 4 + i * strideC, ldc);
                }
                for (int x = 0; x < want.length; x++) {
                    // per-element bound: entries are in [-1, 1], so sum |a||b| <= k
                    double tol = (k + 2) * 0x1p-24 * (1.25 * k + 1);
                    if (Math.abs(got[x] - want[x]) > tol)
                        fail("batched " + (transA ? "T" : "N") + (transB ? "T" : "N") + " " + Arrays.toString(s)
                                + ": element " + x + " = " + got[x] + ", want " + want[x]);
                }
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        float[] a = new float[12], b = new float[12], c = new float[12];
        var e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 3, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 4));
        assertTrue(e.getMessage().contains("B"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 3, 4, 3, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 3));
        assertTrue(e.getMessage().contains("C") && e.getMessage().contains("ld"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, -1, 4, 3, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 4));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmSerial(true, false, 3, 3, 3, 1f, a, 5, 3, b, 0, 3, 0f, c, 0, 3));
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmBatched(false, false, 2, 2, 2, 1f, a, 0, 4, 2, b, 0, 4, 2, 0f, c, 0, 3, 2, 3));
        assertTrue(e.getMessage().contains("overlap"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmBatched(false, false, 2, 2, 2, 1f, a, 0, 4, 2, b, 0, 4, 2, 0f, c, 0, 4, 2, 4));
    }

    /**
     * Once compiled, a GEMM call allocates nothing on any path (blocked with each transpose, direct, dot products):
     * a vector that C2 fails to intrinsify is boxed on every use instead, which is slow and fills the heap (a 128-bit
     * vector in the transposed-A packing once made the MATER step allocate 254 MiB instead of 38). Each shape is
     * called until one call allocates nothing; the interpreter and C1 box every vector, so that takes a few thousand
     * calls, and a path whose vectors C2 boxes never gets there.
     */
    @Test
    void compiledCallsAllocateNothing() {
        var threadBean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        assertTrue(threadBean.isThreadAllocatedMemorySupported() && threadBean.isThreadAllocatedMemoryEnabled());
        Parallel.setThreads(1);
        var rnd = new SplittableRandom(11);
        int[][] shapes = {{37, 45, 300}, {16, 40, 96}, {12, 20, 30}}; // blocked, dot products (NT), direct (NN)
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                var pr = Problem.random(rnd, t >= 2, t % 2 == 1, s[0], s[1], s[2], 1f, 0f, false);
                float[] out = pr.c().clone();
                long bytes = -1;
                for (int call = 0; call < 200_000 && bytes != 0; call++) {
                    long before = threadBean.getCurrentThreadAllocatedBytes();
                    Gemm.sgemm(pr.transA(), pr.transB(), pr.m(), pr.n(), pr.k(), 1f, pr.a(), 0, pr.lda(), pr.b(), 0, pr.ldb(),
                            0f, out, 0, pr.ldc());
                    bytes = threadBean.getCurrentThreadAllocatedBytes() - before;
                }
                assertEquals(0, bytes, pr + " still allocates after 200000 calls");
            }
        }
    }

    @Test
    void handComputedProduct() {
        // [1 2; 3 4] [5 6; 7 8] = [19 22; 43 50]
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = new float[4];
        Gemm.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {19, 22, 43, 50}, c);
        // A^T B^T = (B A)^T: [5 6; 7 8] [1 2; 3 4] = [23 34; 31 46], transposed
        Gemm.sgemm(true, true, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {23, 31, 34, 46}, c);
    }
}
