package io.mater.engine.cpu;

/**
 * Reference convolution: the plain loops of the definition, accumulated in double, that the fast kernels
 * ({@link ConvGemm}, {@link ConvDepthwise}) are tested against. All arrays dense NCHW from offset 0.
 * y[n, o, oy, ox] = b[o] + sum over ci, i, j of w[o, ci, i, j] * x[n, g*cg + ci, oy*sh - ph + i*dh, ox*sw - pw + j*dw]
 * where g = o / og is the group of output channel o; cells outside x read as 0.
 */
public final class ConvScalar {
    private ConvScalar() {}

    // x [n, c, h, w], w [o, cg, kh, kw], bias [o] or null -> y [n, o, oh, ow]
    static void forward(float[] x, float[] wt, float[] bias, float[] y, ConvGeometry g) {
        var s = g.spec();
        int cg = g.cg(), og = g.og();
        for (int n = 0; n < g.n(); n++)
            for (int o = 0; o < g.o(); o++) {
                int c0 = o / og * cg;
                for (int oy = 0; oy < g.oh(); oy++)
                    for (int ox = 0; ox < g.ow(); ox++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int ci = 0; ci < cg; ci++)
                            for (int i = 0; i < g.kh(); i++) {
                                int iy = oy * s.strideH() - s.padH() + i * s.dilationH();
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int j = 0; j < g.kw(); j++) {
                                    int ix = ox * s.strideW() - s.padW() + j * s.dilationW();
                                    if (ix < 0 || ix >= g.w()) continue;
                                    acc += (double) wt[((o * cg + ci) * g.kh() + i) * g.kw() + j]
                                            * x[((n * g.c() + c0 + ci) * g.h() + iy) * g.w() + ix];
                                }
                            }
                        y[((n * g.o() + o) * g.oh() + oy) * g.ow() + ox] = (float) acc;
                    }
            }
    }

    // gy [n, o, oh, ow], w [o, cg, kh, kw] -> gx [n, c, h, w]: every output that read x[n, c, iy, ix] sends back gy * w
    static void backwardInput(float[] gy, float[] wt, float[] gx, ConvGeometry g) {
        var s = g.spec();
        int cg = g.cg(), og = g.og();
        for (int n = 0; n < g.n(); n++)
            for (int c = 0; c < g.c(); c++) {
                int o0 = c / cg * og, ci = c % cg;
                for (int iy = 0; iy < g.h(); iy++)
                    for (int ix = 0; ix < g.w(); ix++) {
                        double acc = 0;
                        for (int o = o0; o < o0 + og; o++)
                            for (int i = 0; i < g.kh(); i++) {
                                int ty = iy + s.padH() - i * s.dilationH();
                                if (ty < 0 || ty % s.strideH() != 0 || ty / s.strideH() >= g.oh()) continue;
                                for (int j = 0; j < g.kw(); j++) {
                                    int tx = ix + s.padW() - j * s.dilationW();
                                    if (tx < 0 || tx % s.strideW() != 0 || tx / s.strideW() >= g.ow()) continue;
                                    acc += (double) wt[((o * cg + ci) * g.kh() + i) * g.kw() + j]
                                            * gy[((n * g.o() + o) * g.oh() + ty / s.strideH()) * g.ow() + tx / s.strideW()];
                                }
                            }
                        gx[((n * g.c() + c) * g.h() + iy) * g.w() + ix] = (float) acc;
                    }
            }
    }

    // gy [n, o, oh, ow], x [n, c, h, w] -> gw [o, cg, kh, kw]
    static void backwardWeight(float[] gy, float[] x, float[] gw, ConvGeometry g) {
        var s = g.spec();
        int cg = g.cg(), og = g.og();
        for (int o = 0; o < g.o(); o++) {
            int c0 = o / og * cg;
            for (int ci = 0; ci < cg; ci++)
                for (int i = 0; i < g.kh(); i++)
                    for (int j = 0; j < g.kw(); j++) {
                        double acc = 0;
                        for (int n = 0; n < g.n(); n++)
                            for (int oy = 0; oy < g.oh(); oy++) {
                                int iy = oy * s.strideH() - s.padH() + i * s.dilationH();
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int ox = 0; ox < g.ow(); ox++) {
                                    int ix = ox * s.strideW() - s.padW() + j * s.dilationW();
                                    if (ix < 0 || ix >= g.w()) continue;
                                    acc += (double) gy[((n * g.o() + o) * g.oh() + oy) * g.ow() + ox]
                                            * x[((n * g.c() + c0 + ci) * g.h() + iy) * g.w() + ix];
                                }
                            }
                        gw[((o * cg + ci) * g.kh() + i) * g.kw() + j] = (float) acc;
                    }
        }
    }
}
