package io.mater.engine.cpu;

/**
 * Moves one image between NCHW planes and the column matrix of a convolution. Row (c*kh + i)*kw + j of the
 * column matrix holds, for every output cell (oy, ox), the input x[c, oy*sh - ph + i*dh, ox*sw - pw + j*dw]
 * (0 outside the image); the image's oh*ow columns start at colOff in rows of length ld, so several images
 * can sit side by side in one matrix.
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

    // x [c, h, w] of one image at xo -> col rows of channels [c0, c1)
    static void im2col(float[] x, int xo, ConvGeometry g, int c0, int c1, float[] col, int colOff, int ld) {
        var s = g.spec();
        int h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), oh = g.oh(), ow = g.ow();
        int sh = s.strideH(), sw = s.strideW();
        for (int c = c0; c < c1; c++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++) {
                    int row = colOff + ((c * kh + i) * kw + j) * ld;
                    int lo = firstValid(g, j), hi = endValid(g, j, lo);
                    int shift = j * s.dilationW() - s.padW();
                    for (int oy = 0; oy < oh; oy++) {
                        int dst = row + oy * ow;
                        int iy = oy * sh - s.padH() + i * s.dilationH();
                        if (iy < 0 || iy >= h) {
                            java.util.Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        int src = xo + (c * h + iy) * w + shift;
                        if (lo > 0) java.util.Arrays.fill(col, dst, dst + lo, 0f);
                        if (sw == 1) System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                        else for (int ox = lo; ox < hi; ox++) col[dst + ox] = x[src + ox * sw];
                        if (hi < ow) java.util.Arrays.fill(col, dst + hi, dst + ow, 0f);
                    }
                }
    }

    // col rows of channels [c0, c1) -> gx [c, h, w] of one image at xo, added to what is there
    static void col2im(float[] col, int colOff, int ld, ConvGeometry g, int c0, int c1, float[] gx, int xo) {
        var s = g.spec();
        int h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), oh = g.oh(), ow = g.ow();
        int sh = s.strideH(), sw = s.strideW();
        for (int c = c0; c < c1; c++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++) {
                    int row = colOff + ((c * kh + i) * kw + j) * ld;
                    int lo = firstValid(g, j), hi = endValid(g, j, lo);
                    int shift = j * s.dilationW() - s.padW();
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - s.padH() + i * s.dilationH();
                        if (iy < 0 || iy >= h) continue;
                        int src = row + oy * ow, dst = xo + (c * h + iy) * w + shift;
                        if (sw == 1) for (int ox = lo; ox < hi; ox++) gx[dst + ox] += col[src + ox];
                        else for (int ox = lo; ox < hi; ox++) gx[dst + ox * sw] += col[src + ox];
                    }
                }
    }
}
