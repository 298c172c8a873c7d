package io.mater.engine.cpu;

import java.util.Arrays;

/**
 * Moves one image between NCHW planes and the column matrix of a convolution. Row (c*kh + i)*kw + j of the
 * column matrix holds, for every output cell (oy, ox), the input x[c, oy*sh - ph + i*dh, ox*sw - pw + j*dw]
 * (0 outside the image); the image's oh*ow columns start at colOff in rows of length ld, so several images
 * can sit side by side in one matrix.
 *
 * <p>When the output is as wide as the input with stride 1 (3x3 pad 1 and the like), a row of the column
 * matrix is the input plane shifted by a constant: it moves as one block, and only the cells that wrap
 * around a row edge are patched (zeroed) afterwards. Other geometries go output row by output row.
 */
final class Im2col {
    private Im2col() {}

    /** First output column ox whose input column ox*sw - pw + j*dw is >= 0. */
    private static int firstValid(ConvGeometry g, int j) {
        var s = g.spec();
        int t = s.padW() - j * s.dilationW();
        return t <= 0 ? 0 : Math.min(g.ow(), Math.ceilDiv(t, s.strideW()));
    }

    /** One past the last output column whose input column is < w. */
    private static int endValid(ConvGeometry g, int j, int lo) {
        var s = g.spec();
        int t = g.w() - 1 + s.padW() - j * s.dilationW();
        int hi = t < 0 ? 0 : Math.min(g.ow(), t / s.strideW() + 1);
        return Math.max(hi, lo);
    }

    /** First output row oy whose input row oy*sh - ph + i*dh is >= 0. */
    private static int firstValidRow(ConvGeometry g, int i) {
        var s = g.spec();
        int t = s.padH() - i * s.dilationH();
        return t <= 0 ? 0 : Math.min(g.oh(), Math.ceilDiv(t, s.strideH()));
    }

    /** One past the last output row whose input row is < h. */
    private static int endValidRow(ConvGeometry g, int i, int lo) {
        var s = g.spec();
        int t = g.h() - 1 + s.padH() - i * s.dilationH();
        int hi = t < 0 ? 0 : Math.min(g.oh(), t / s.strideH() + 1);
        return Math.max(hi, lo);
    }

    /** Stride 1 and output width = input width: each column-matrix row is a shifted copy of a plane. */
    static boolean shiftedPlanes(ConvGeometry g) {
        return g.spec().strideH() == 1 && g.spec().strideW() == 1 && g.ow() == g.w();
    }

    /** col[dst + i] = x[src + i*stride] for i < n. */
    static void gatherStrided(float[] x, int src, int stride, float[] col, int dst, int n) {
        for (int i = 0; i < n; i++) col[dst + i] = x[src + i * stride];
    }

    // x [c, h, w] of one image at xo -> col rows of channels [c0, c1)
    static void im2col(float[] x, int xo, ConvGeometry g, int c0, int c1, float[] col, int colOff, int ld) {
        var s = g.spec();
        int h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), ow = g.ow();
        int sw = s.strideW();
        boolean shifted = shiftedPlanes(g);
        for (int c = c0; c < c1; c++)
            for (int i = 0; i < kh; i++) {
                int oyLo = firstValidRow(g, i), oyHi = endValidRow(g, i, oyLo);
                int rowShift = i * s.dilationH() - s.padH();
                for (int j = 0; j < kw; j++) {
                    int row = colOff + ((c * kh + i) * kw + j) * ld;
                    int lo = firstValid(g, j), hi = endValid(g, j, lo);
                    int shift = j * s.dilationW() - s.padW();
                    Arrays.fill(col, row, row + oyLo * ow, 0f);
                    Arrays.fill(col, row + oyHi * ow, row + g.ohw(), 0f);
                    if (oyLo >= oyHi) continue;
                    if (shifted) {
                        // rows oyLo..oyHi of the output read input rows oyLo+rowShift.., shifted by `shift` columns;
                        // copy them as one run (skipping the ends that fall outside the plane), then zero the
                        // columns that wrapped around a row edge
                        int src = xo + (c * h + oyLo + rowShift) * w + shift, dst = row + oyLo * ow;
                        int len = (oyHi - oyLo) * ow, skipLo = Math.max(0, -shift), skipHi = Math.max(0, shift);
                        if (len > skipLo + skipHi) System.arraycopy(x, src + skipLo, col, dst + skipLo, len - skipLo - skipHi);
                        if (lo > 0 || hi < ow)
                            for (int oy = oyLo; oy < oyHi; oy++) {
                                int d = row + oy * ow;
                                for (int ox = 0; ox < lo; ox++) col[d + ox] = 0f;
                                for (int ox = hi; ox < ow; ox++) col[d + ox] = 0f;
                            }
                        continue;
                    }
                    for (int oy = oyLo; oy < oyHi; oy++) {
                        int dst = row + oy * ow;
                        int src = xo + (c * h + oy * s.strideH() + rowShift) * w + shift;
                        if (lo > 0) Arrays.fill(col, dst, dst + lo, 0f);
                        if (sw == 1) System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                        else if (sw == 2 && Kernels.VECTOR) Im2colVector.gatherStride2(x, src + lo * 2, col, dst + lo, hi - lo);
                        else gatherStrided(x, src + lo * sw, sw, col, dst + lo, hi - lo);
                        if (hi < ow) Arrays.fill(col, dst + hi, dst + ow, 0f);
                    }
                }
            }
    }

    /**
     * col rows of channels [c0, c1) -> gx [c, h, w] of one image at xo, added to what is there. With shifted
     * planes, the cells of col that map outside the image are zeroed first (col is scratch), so that each row
     * adds as one run.
     */
    static void col2im(float[] col, int colOff, int ld, ConvGeometry g, int c0, int c1, float[] gx, int xo) {
        var s = g.spec();
        int h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), ow = g.ow();
        int sw = s.strideW();
        boolean shifted = shiftedPlanes(g);
        for (int c = c0; c < c1; c++)
            for (int i = 0; i < kh; i++) {
                int oyLo = firstValidRow(g, i), oyHi = endValidRow(g, i, oyLo);
                int rowShift = i * s.dilationH() - s.padH();
                if (oyLo >= oyHi) continue;
                for (int j = 0; j < kw; j++) {
                    int row = colOff + ((c * kh + i) * kw + j) * ld;
                    int lo = firstValid(g, j), hi = endValid(g, j, lo);
                    int shift = j * s.dilationW() - s.padW();
                    if (shifted) {
                        if (lo > 0 || hi < ow)
                            for (int oy = oyLo; oy < oyHi; oy++) {
                                int d = row + oy * ow;
                                for (int ox = 0; ox < lo; ox++) col[d + ox] = 0f;
                                for (int ox = hi; ox < ow; ox++) col[d + ox] = 0f;
                            }
                        int dst = xo + (c * h + oyLo + rowShift) * w + shift, src = row + oyLo * ow;
                        int len = (oyHi - oyLo) * ow, skipLo = Math.max(0, -shift), skipHi = Math.max(0, shift);
                        for (int t = skipLo; t < len - skipHi; t++) gx[dst + t] += col[src + t];
                        continue;
                    }
                    for (int oy = oyLo; oy < oyHi; oy++) {
                        int src = row + oy * ow, dst = xo + (c * h + oy * s.strideH() + rowShift) * w + shift;
                        if (sw == 1) for (int ox = lo; ox < hi; ox++) gx[dst + ox] += col[src + ox];
                        else for (int ox = lo; ox < hi; ox++) gx[dst + ox * sw] += col[src + ox];
                    }
                }
            }
    }
}
