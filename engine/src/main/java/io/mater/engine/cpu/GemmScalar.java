package io.mater.engine.cpu;

/** Reference SGEMM: the plain triple loop (accumulated in double) that the fast kernel is tested against. */
public final class GemmScalar {
    private GemmScalar() {}

    /**
     * C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C, all row-major with leading dimensions.
     * op(A)[i][p] is a[aOff + i*lda + p], or a[aOff + p*lda + i] when transA; likewise for B.
     * When beta is 0, C is not read (NaNs in it do not propagate), as BLAS specifies.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += (double) av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = (float) (alpha * acc + (beta == 0f ? 0f : beta * c[ci]));
            }
        }
    }
}
