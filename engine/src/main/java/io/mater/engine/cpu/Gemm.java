package io.mater.engine.cpu;

import io.mater.engine.Parallel;
import io.mater.engine.Simd;

/**
 * SGEMM entry point: the Vector API kernel ({@link GemmVector}) when {@link Simd#ENABLED}, else the scalar
 * reference. Arguments as {@link GemmScalar#sgemm}: C[m x n] = alpha * op(A) op(B) + beta * C, row-major with
 * leading dimensions; beta == 0 means C is not read.
 *
 * <p>Every entry point checks its arguments and throws {@link IllegalArgumentException} naming the matrix
 * before touching C. Results are bit-identical for every thread count.
 */
public final class Gemm {
    private Gemm() {}

    /** Parallel over the engine's pool (split over rows or columns of C, never over k). */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (Simd.ENABLED) {
            GemmVector.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int grain = Math.max(1, (int) Math.min(m, (1L << 16) / Math.max(1L, (long) n * Math.max(k, 1))));
        Parallel.range(m, grain, (from, to) -> GemmScalar.sgemm(transA, transB, to - from, n, k, alpha,
                a, transA ? aOff + from : aOff + from * lda, lda, b, bOff, ldb, beta, c, cOff + from * ldc, ldc));
    }

    /** Single-threaded, for callers that already run inside a parallel loop. */
    public static void sgemmSerial(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (Simd.ENABLED) GemmVector.sgemmSerial(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        else GemmScalar.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * {@code batch} independent GEMMs of the same shape (attention's per-head products): matrix i of A, B and C
     * starts at aOff + i*strideA, bOff + i*strideB, cOff + i*strideC. Parallel over the batch. A stride of 0
     * shares one A (or B) across the batch; the C matrices must not overlap.
     */
    public static void sgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    float[] a, int aOff, int strideA, int lda, float[] b, int bOff, int strideB, int ldb,
                                    float beta, float[] c, int cOff, int strideC, int ldc, int batch) {
        if (batch < 0) throw new IllegalArgumentException("sgemmBatched: batch must be >= 0, got " + batch);
        if (strideA < 0 || strideB < 0 || strideC < 0)
            throw new IllegalArgumentException("sgemmBatched: strides must be >= 0, got strideA=" + strideA
                    + ", strideB=" + strideB + ", strideC=" + strideC);
        if (batch == 0) return;
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        int last = batch - 1;
        check(transA, transB, m, n, k, a, lastOffset("A", aOff, strideA, last), lda,
                b, lastOffset("B", bOff, strideB, last), ldb, c, lastOffset("C", cOff, strideC, last), ldc);
        if (m == 0 || n == 0) return;
        if (batch > 1 && strideC < (long) (m - 1) * ldc + n)
            throw new IllegalArgumentException("sgemmBatched: strideC " + strideC + " makes the [" + m + " x " + n
                    + "] C matrices (ldc " + ldc + ") overlap");
        if (Simd.ENABLED) {
            GemmVector.sgemmBatched(transA, transB, m, n, k, alpha, a, aOff, strideA, lda, b, bOff, strideB, ldb,
                    beta, c, cOff, strideC, ldc, batch);
            return;
        }
        int grain = (int) Math.max(1, Math.min(batch, (1L << 16) / Math.max(1L, (long) m * n * k)));
        Parallel.range(batch, grain, (from, to) -> {
            for (int i = from; i < to; i++) {
                GemmScalar.sgemm(transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                        beta, c, cOff + i * strideC, ldc);
            }
        });
    }

    private static int lastOffset(String name, int off, int stride, int last) {
        long o = off + (long) last * stride;
        if (o > Integer.MAX_VALUE)
            throw new IllegalArgumentException("sgemmBatched: the last " + name + " starts at " + o + ", past any array");
        return (int) o;
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0)
            throw new IllegalArgumentException("sgemm: sizes must be >= 0, got m=" + m + ", n=" + n + ", k=" + k);
        if (m == 0 || n == 0) return;
        checkMatrix(transA ? "A^T" : "A", a, aOff, lda, transA ? k : m, transA ? m : k, false);
        checkMatrix(transB ? "B^T" : "B", b, bOff, ldb, transB ? n : k, transB ? k : n, false);
        checkMatrix("C", c, cOff, ldc, m, n, true);
    }

    /** A stored [rows x cols] matrix at x[off + r*ld + j]; only C needs ld >= cols (its rows must not overlap). */
    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols, boolean output) {
        if (rows == 0 || cols == 0) return;
        // the message is built only on failure: these checks run on every call, and the step makes hundreds
        if (x == null) throw bad(name, off, ld, rows, cols, "array is null");
        if (off < 0 || ld < 0) throw bad(name, off, ld, rows, cols, "offset and ld must be >= 0");
        if (output && rows > 1 && ld < cols) throw bad(name, off, ld, rows, cols, "ld must be >= the " + cols + " columns");
        long end = off + (long) (rows - 1) * ld + cols;
        if (end > x.length)
            throw bad(name, off, ld, rows, cols, "needs " + end + " elements, the array has " + x.length);
    }

    private static IllegalArgumentException bad(String name, int off, int ld, int rows, int cols, String problem) {
        return new IllegalArgumentException("sgemm: " + name + " [" + rows + " x " + cols + ", offset " + off + ", ld " + ld
                + "]: " + problem);
    }
}
