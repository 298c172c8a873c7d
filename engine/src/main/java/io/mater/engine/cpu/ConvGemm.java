package io.mater.engine.cpu;

import io.mater.engine.Parallel;

/**
 * Convolution as matrix products: the im2col column matrix of a block of images times the weight
 * [og, cg*kh*kw] of each group, through {@link Gemm}. A block holds enough images that the product has a
 * few hundred columns (small late layers still make a wide GEMM); 1x1 stride-1 kernels use the input planes
 * as the column matrix directly. The block size depends only on the shapes, and {@link Gemm#sgemm} splits
 * only over rows, so results do not depend on the thread count.
 *
 * <p>Forward and input gradient run blocks in parallel (one serial GEMM per block, per-thread buffers)
 * when there are at least as many blocks as threads, else block after block with a parallel GEMM. The
 * weight gradient always runs block after block, each block's product added into the one gradient
 * (beta = 1) by a row-parallel GEMM, so its sum over images has one fixed order.
 */
final class ConvGemm {
    private ConvGemm() {}

    /** Columns a block of images aims for in the forward and input-gradient products. */
    static final int TARGET_COLS = 256;
    /** Columns a block aims for in the weight-gradient product (its reduction length). */
    static final int TARGET_COLS_WEIGHT = 1024;
    /** Largest column matrix a block may need, in floats, unless one image alone is larger. */
    static final long MAX_COL = 1L << 22;

    private static final int COL = 0, GATHER = 1;

    /** Images per block: a power of two reaching targetCols columns, within MAX_COL, at most n. */
    static int imagesPerBlock(ConvGeometry g, int targetCols) {
        if (g.pointwise() && g.ohw() >= targetCols) return 1;
        long rows = (long) g.c() * g.kh() * g.kw();
        int nb = 1;
        while (nb < g.n() && (long) nb * g.ohw() < targetCols && rows * 2 * nb * g.ohw() <= MAX_COL) nb *= 2;
        return Math.max(1, Math.min(nb, g.n()));
    }

    private static void gemm(boolean serial, boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (serial) Gemm.sgemmSerial(transA, transB, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        else Gemm.sgemm(transA, transB, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** body(from, to) over [0, n), in parallel unless serial (then inline). */
    private static void split(boolean serial, int n, Parallel.RangeBody body) {
        if (serial) body.run(0, n);
        else Parallel.range(n, 1, body);
    }

    @FunctionalInterface
    private interface BlockBody {
        void run(int n0, int images, boolean serial);
    }

    private static void forBlocks(int n, int nb, BlockBody body) {
        int blocks = Math.ceilDiv(n, nb);
        if (blocks >= Parallel.threads() && blocks > 1) {
            Parallel.range(blocks, 1, (from, to) -> {
                for (int b = from; b < to; b++) body.run(b * nb, Math.min(nb, n - b * nb), true);
            });
        } else {
            for (int b = 0; b < blocks; b++) body.run(b * nb, Math.min(nb, n - b * nb), false);
        }
    }

    /** Column matrix [c*kh*kw, images*ohw] of images [n0, n0+images) in the calling thread's scratch. */
    private static float[] columns(float[] x, int xo, ConvGeometry g, int n0, int images, boolean serial) {
        int cols = images * g.ohw(), chw = g.c() * g.hw();
        float[] col = Scratch.get(COL, (long) g.c() * g.kh() * g.kw() * cols);
        split(serial, g.c(), (c0, c1) -> {
            for (int b = 0; b < images; b++) Im2col.im2col(x, xo + (n0 + b) * chw, g, c0, c1, col, b * g.ohw(), cols);
        });
        return col;
    }

    /** gy of images [n0, n0+images) as one matrix [o, images*ohw] in the calling thread's scratch. */
    private static float[] gatherRows(float[] gy, int go, ConvGeometry g, int n0, int images, boolean serial) {
        int ohw = g.ohw(), cols = images * ohw, ochw = g.o() * ohw;
        float[] buf = Scratch.get(GATHER, (long) g.o() * cols);
        split(serial, g.o(), (o0, o1) -> {
            for (int o = o0; o < o1; o++)
                for (int b = 0; b < images; b++)
                    System.arraycopy(gy, go + (n0 + b) * ochw + o * ohw, buf, o * cols + b * ohw, ohw);
        });
        return buf;
    }

    // x [n, c, h, w] at xo, w [o, cg, kh, kw] at wo, bias [o] or null -> y [n, o, oh, ow] (dense, offset 0)
    static void forward(float[] x, int xo, float[] w, int wo, float[] bias, float[] y, ConvGeometry g) {
        int nb = imagesPerBlock(g, TARGET_COLS);
        int groups = g.groups(), og = g.og(), k = g.k(), ohw = g.ohw(), chw = g.c() * g.hw(), ochw = g.o() * ohw;
        forBlocks(g.n(), nb, (n0, images, serial) -> {
            int cols = images * ohw;
            float[] col;
            int colOff, ld;
            if (g.pointwise() && images == 1) {
                col = x;
                colOff = xo + n0 * chw;
                ld = g.hw();
            } else {
                col = columns(x, xo, g, n0, images, serial);
                colOff = 0;
                ld = cols;
            }
            boolean direct = images == 1;
            float[] out = direct ? y : Scratch.get(GATHER, (long) g.o() * cols);
            int outOff = direct ? n0 * ochw : 0;
            for (int gr = 0; gr < groups; gr++)
                gemm(serial, false, false, og, cols, k, w, wo + gr * og * k, k, col, colOff + gr * k * ld, ld,
                        0f, out, outOff + gr * og * cols, cols);
            if (direct && bias == null) return;
            split(serial, g.o(), (o0, o1) -> {
                for (int o = o0; o < o1; o++) {
                    float bo = bias == null ? 0f : bias[o];
                    for (int b = 0; b < images; b++) {
                        int src = outOff + o * cols + b * ohw, dst = (n0 + b) * ochw + o * ohw;
                        for (int p = 0; p < ohw; p++) y[dst + p] = out[src + p] + bo;
                    }
                }
            });
        });
    }

    // gy [n, o, oh, ow] at go, w [o, cg, kh, kw] at wo -> gx [n, c, h, w] (dense, offset 0, zero on entry)
    static void backwardInput(float[] gy, int go, float[] w, int wo, float[] gx, ConvGeometry g) {
        int nb = imagesPerBlock(g, TARGET_COLS);
        int groups = g.groups(), og = g.og(), cg = g.cg(), k = g.k(), ohw = g.ohw(), chw = g.c() * g.hw(), ochw = g.o() * ohw;
        forBlocks(g.n(), nb, (n0, images, serial) -> {
            int cols = images * ohw;
            float[] gb = images == 1 ? gy : gatherRows(gy, go, g, n0, images, serial);
            int gbOff = images == 1 ? go + n0 * ochw : 0;
            if (g.pointwise() && images == 1) {
                for (int gr = 0; gr < groups; gr++)
                    gemm(serial, true, false, cg, cols, og, w, wo + gr * og * k, k, gb, gbOff + gr * og * cols, cols,
                            0f, gx, n0 * chw + gr * cg * cols, cols);
                return;
            }
            float[] dcol = Scratch.get(COL, (long) g.c() * g.kh() * g.kw() * cols);
            for (int gr = 0; gr < groups; gr++)
                gemm(serial, true, false, k, cols, og, w, wo + gr * og * k, k, gb, gbOff + gr * og * cols, cols,
                        0f, dcol, gr * k * cols, cols);
            split(serial, g.c(), (c0, c1) -> {
                for (int b = 0; b < images; b++) Im2col.col2im(dcol, b * ohw, cols, g, c0, c1, gx, (n0 + b) * chw);
            });
        });
    }

    // gy [n, o, oh, ow] at go, x [n, c, h, w] at xo -> gw [o, cg, kh, kw] (dense, offset 0)
    static void backwardWeight(float[] gy, int go, float[] x, int xo, float[] gw, ConvGeometry g) {
        int nb = imagesPerBlock(g, TARGET_COLS_WEIGHT);
        int groups = g.groups(), og = g.og(), k = g.k(), ohw = g.ohw(), chw = g.c() * g.hw(), ochw = g.o() * ohw;
        if (g.n() == 0) {
            java.util.Arrays.fill(gw, 0f);
            return;
        }
        for (int n0 = 0; n0 < g.n(); n0 += nb) {
            int images = Math.min(nb, g.n() - n0), cols = images * ohw;
            float[] gb = images == 1 ? gy : gatherRows(gy, go, g, n0, images, false);
            int gbOff = images == 1 ? go + n0 * ochw : 0;
            float[] col;
            int colOff, ld;
            if (g.pointwise() && images == 1) {
                col = x;
                colOff = xo + n0 * chw;
                ld = g.hw();
            } else {
                col = columns(x, xo, g, n0, images, false);
                colOff = 0;
                ld = cols;
            }
            float beta = n0 == 0 ? 0f : 1f;
            for (int gr = 0; gr < groups; gr++)
                gemm(false, false, true, og, k, cols, gb, gbOff + gr * og * cols, cols, col, colOff + gr * k * ld, ld,
                        beta, gw, gr * og * k, k);
        }
    }
}
