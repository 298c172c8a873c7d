package io.mater.engine.cpu;

import io.mater.engine.Parallel;

/**
 * Direct convolution for groups with one input channel each (depthwise, groups = c): every output plane
 * is a sum of kh*kw shifted, scaled copies of one input plane, which a GEMM with one row would do badly.
 * Loops run tap by tap over contiguous output rows. Parallel over planes; each plane is summed by one
 * thread in a fixed order, so results do not depend on the thread count.
 */
final class ConvDepthwise {
    private ConvDepthwise() {}

    static boolean applies(ConvGeometry g) {
        return g.cg() == 1 && g.groups() > 1;
    }

    private static int grain(ConvGeometry g) {
        return Math.max(1, (1 << 14) / Math.max(1, g.ohw() * g.kh() * g.kw()));
    }

    /** First ox with ox*sw + shift >= 0 (shift = j*dw - pw). */
    private static int lo(int shift, int sw, int ow) {
        return shift >= 0 ? 0 : Math.min(ow, Math.ceilDiv(-shift, sw));
    }

    /** One past the last ox with ox*sw + shift < w. */
    private static int hi(int shift, int sw, int w, int ow, int lo) {
        int t = w - 1 - shift;
        return Math.max(lo, t < 0 ? 0 : Math.min(ow, t / sw + 1));
    }

    // x [n, c, h, w] at xo, w [o, 1, kh, kw] at wo, bias [o] or null -> y [n, o, oh, ow]
    static void forward(float[] x, int xo, float[] wt, int wo, float[] bias, float[] y, ConvGeometry g) {
        var s = g.spec();
        int og = g.og(), kh = g.kh(), kw = g.kw(), oh = g.oh(), ow = g.ow(), h = g.h(), w = g.w(), sw = s.strideW();
        Parallel.range(g.n() * g.o(), grain(g), (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int n = plane / g.o(), o = plane % g.o(), c = o / og;
                int yo = plane * g.ohw(), xp = xo + (n * g.c() + c) * g.hw();
                java.util.Arrays.fill(y, yo, yo + g.ohw(), bias == null ? 0f : bias[o]);
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++) {
                        float wv = wt[wo + (o * kh + i) * kw + j];
                        int shift = j * s.dilationW() - s.padW(), lo = lo(shift, sw, ow), hi = hi(shift, sw, w, ow, lo);
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * s.strideH() - s.padH() + i * s.dilationH();
                            if (iy < 0 || iy >= h) continue;
                            int dst = yo + oy * ow, src = xp + iy * w + shift;
                            if (sw == 1) for (int ox = lo; ox < hi; ox++) y[dst + ox] += wv * x[src + ox];
                            else for (int ox = lo; ox < hi; ox++) y[dst + ox] += wv * x[src + ox * sw];
                        }
                    }
            }
        });
    }

    // gy [n, o, oh, ow] at go, w [o, 1, kh, kw] at wo -> gx [n, c, h, w] (zero on entry)
    static void backwardInput(float[] gy, int go, float[] wt, int wo, float[] gx, ConvGeometry g) {
        var s = g.spec();
        int og = g.og(), kh = g.kh(), kw = g.kw(), oh = g.oh(), ow = g.ow(), h = g.h(), w = g.w(), sw = s.strideW();
        Parallel.range(g.n() * g.c(), grain(g), (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int n = plane / g.c(), c = plane % g.c();
                int xp = plane * g.hw();
                for (int o = c * og; o < (c + 1) * og; o++) {
                    int yo = go + (n * g.o() + o) * g.ohw();
                    for (int i = 0; i < kh; i++)
                        for (int j = 0; j < kw; j++) {
                            float wv = wt[wo + (o * kh + i) * kw + j];
                            int shift = j * s.dilationW() - s.padW(), lo = lo(shift, sw, ow), hi = hi(shift, sw, w, ow, lo);
                            for (int oy = 0; oy < oh; oy++) {
                                int iy = oy * s.strideH() - s.padH() + i * s.dilationH();
                                if (iy < 0 || iy >= h) continue;
                                int src = yo + oy * ow, dst = xp + iy * w + shift;
                                if (sw == 1) for (int ox = lo; ox < hi; ox++) gx[dst + ox] += wv * gy[src + ox];
                                else for (int ox = lo; ox < hi; ox++) gx[dst + ox * sw] += wv * gy[src + ox];
                            }
                        }
                }
            }
        });
    }

    // gy [n, o, oh, ow] at go, x [n, c, h, w] at xo -> gw [o, 1, kh, kw]
    static void backwardWeight(float[] gy, int go, float[] x, int xo, float[] gw, ConvGeometry g) {
        var s = g.spec();
        int og = g.og(), kh = g.kh(), kw = g.kw(), oh = g.oh(), ow = g.ow(), h = g.h(), w = g.w(), sw = s.strideW();
        Parallel.range(g.o(), 1, (from, to) -> {
            for (int o = from; o < to; o++) {
                int c = o / og;
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++) {
                        int shift = j * s.dilationW() - s.padW(), lo = lo(shift, sw, ow), hi = hi(shift, sw, w, ow, lo);
                        double acc = 0;
                        for (int n = 0; n < g.n(); n++) {
                            int yo = go + (n * g.o() + o) * g.ohw(), xp = xo + (n * g.c() + c) * g.hw();
                            for (int oy = 0; oy < oh; oy++) {
                                int iy = oy * s.strideH() - s.padH() + i * s.dilationH();
                                if (iy < 0 || iy >= h) continue;
                                int src = yo + oy * ow, xr = xp + iy * w + shift;
                                float row = 0f;
                                for (int ox = lo; ox < hi; ox++) row += gy[src + ox] * x[xr + ox * sw];
                                acc += row;
                            }
                        }
                        gw[(o * kh + i) * kw + j] = (float) acc;
                    }
            }
        });
    }
}
