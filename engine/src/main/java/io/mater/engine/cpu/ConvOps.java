package io.mater.engine.cpu;

import static io.mater.engine.cpu.CpuBackend.data;
import static io.mater.engine.cpu.CpuBackend.dense;
import static io.mater.engine.cpu.CpuBackend.newTensor;

import io.mater.engine.Conv2dSpec;
import io.mater.engine.Parallel;
import io.mater.engine.Pool2dSpec;
import io.mater.engine.Shape;
import io.mater.engine.Tensor;
import java.util.Arrays;

/**
 * CPU convolution, pooling, batch norm and local response norm: the {@link io.mater.engine.Backend}
 * methods of the same names, NCHW. Inputs may be strided views (made dense first); the op classes above
 * have already checked the shapes. Every loop is split into pieces that depend only on the shapes (planes,
 * channels, image blocks), and every sum is taken by one thread in a fixed order, so the results do not
 * depend on the thread count.
 */
final class ConvOps {
    private ConvOps() {}

    private static final boolean VECTOR = Kernels.VECTOR;
    /** Work per parallel piece, in element-operations. */
    private static final int PIECE = 1 << 14;
    /** Positions per piece of local response norm. */
    private static final int LRN_BLOCK = 1024;
    private static final int LRN_SCRATCH = 2;

    private static int grain(long workPerItem) {
        return (int) Math.max(1, PIECE / Math.max(1, workPerItem));
    }

    private static void expectShape(String what, Tensor t, int[] expected) {
        if (!Arrays.equals(t.shape(), expected))
            throw new IllegalArgumentException(what + " must be " + Shape.str(expected) + ", got " + Shape.str(t.shape()));
    }

    /** Dense a and b at one common offset (copies when their offsets differ), for kernels that take one offset. */
    private static Tensor[] sameOffset(Tensor a, Tensor b) {
        Tensor ad = dense(a), bd = dense(b);
        if (ad.offset() != bd.offset()) {
            ad = CpuBackend.INSTANCE.contiguous(ad);
            bd = CpuBackend.INSTANCE.contiguous(bd);
        }
        return new Tensor[] {ad, bd};
    }

    private static float[] host(Tensor t) {
        return t == null ? null : CpuBackend.INSTANCE.download(t);
    }

    // ------------------------------------------------------------------ convolution

    // x [N, C, H, W], w [O, C/groups, kh, kw], bias [O] or null -> y [N, O, OH, OW]
    static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
        var g = ConvGeometry.of(x.shape(), w.shape(), spec);
        Tensor xd = dense(x), wd = dense(w), y = newTensor(g.yShape());
        if (ConvDepthwise.applies(g)) ConvDepthwise.forward(data(xd), xd.offset(), data(wd), wd.offset(), host(bias), data(y), g);
        else ConvGemm.forward(data(xd), xd.offset(), data(wd), wd.offset(), host(bias), data(y), g);
        return y;
    }

    // gy [N, O, OH, OW], w [O, C/groups, kh, kw] -> gx [N, C, H, W]
    static Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] xShape, Conv2dSpec spec) {
        var g = ConvGeometry.of(xShape, w.shape(), spec);
        expectShape("conv2d backward: output gradient", gy, g.yShape());
        Tensor gd = dense(gy), wd = dense(w), gx = newTensor(xShape);
        if (ConvDepthwise.applies(g)) ConvDepthwise.backwardInput(data(gd), gd.offset(), data(wd), wd.offset(), data(gx), g);
        else ConvGemm.backwardInput(data(gd), gd.offset(), data(wd), wd.offset(), data(gx), g);
        return gx;
    }

    // gy [N, O, OH, OW], x [N, C, H, W] -> gw [O, C/groups, kh, kw]
    static Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] wShape, Conv2dSpec spec) {
        var g = ConvGeometry.of(x.shape(), wShape, spec);
        expectShape("conv2d backward: output gradient", gy, g.yShape());
        Tensor gd = dense(gy), xd = dense(x), gw = newTensor(wShape);
        if (ConvDepthwise.applies(g)) ConvDepthwise.backwardWeight(data(gd), gd.offset(), data(xd), xd.offset(), data(gw), g);
        else ConvGemm.backwardWeight(data(gd), gd.offset(), data(xd), xd.offset(), data(gw), g);
        return gw;
    }

    // ------------------------------------------------------------------ pooling

    // x [N, C, H, W] -> {y, argmax} [N, C, OH, OW]
    static Tensor[] maxPool2d(Tensor x, Pool2dSpec spec) {
        int[] s = x.shape();
        int h = s[2], w = s[3], oh = spec.outH(h), ow = spec.outW(w);
        Tensor xd = dense(x), y = newTensor(new int[] {s[0], s[1], oh, ow}), arg = newTensor(y.shape());
        float[] xa = data(xd), ya = data(y), aa = data(arg);
        int xo = xd.offset();
        Parallel.range(s[0] * s[1], grain((long) oh * ow * spec.kernelH() * spec.kernelW()), (from, to) -> {
            for (int p = from; p < to; p++) {
                if (VECTOR) PoolVector.maxPool(xa, xo + p * h * w, h, w, spec, ya, aa, p * oh * ow, oh, ow);
                else PoolScalar.maxPool(xa, xo + p * h * w, h, w, spec, ya, aa, p * oh * ow, oh, ow);
            }
        });
        return new Tensor[] {y, arg};
    }

    // gy, argmax [N, C, OH, OW] -> gx [N, C, H, W]
    static Tensor maxPool2dBackward(Tensor gy, Tensor argmax, int[] xShape) {
        expectShape("max_pool2d backward: argmax", argmax, gy.shape());
        int[] s = gy.shape();
        int hw = xShape[2] * xShape[3], ohw = s[2] * s[3];
        Tensor[] ga = sameOffset(gy, argmax);
        Tensor gx = newTensor(xShape);
        float[] g2 = data(ga[0]), a2 = data(ga[1]), gxa = data(gx);
        int o2 = ga[0].offset();
        Parallel.range(s[0] * s[1], grain(ohw), (from, to) -> {
            for (int p = from; p < to; p++) PoolScalar.maxPoolBackward(g2, a2, o2 + p * ohw, ohw, gxa, p * hw);
        });
        return gx;
    }

    // x [N, C, H, W] -> y [N, C, OH, OW]
    static Tensor avgPool2d(Tensor x, Pool2dSpec spec) {
        int[] s = x.shape();
        int h = s[2], w = s[3], oh = spec.outH(h), ow = spec.outW(w);
        Tensor xd = dense(x), y = newTensor(new int[] {s[0], s[1], oh, ow});
        float[] xa = data(xd), ya = data(y);
        int xo = xd.offset();
        Parallel.range(s[0] * s[1], grain((long) oh * ow * spec.kernelH() * spec.kernelW()), (from, to) -> {
            for (int p = from; p < to; p++) PoolScalar.avgPool(xa, xo + p * h * w, h, w, spec, ya, p * oh * ow, oh, ow);
        });
        return y;
    }

    // gy [N, C, OH, OW] -> gx [N, C, H, W]
    static Tensor avgPool2dBackward(Tensor gy, int[] xShape, Pool2dSpec spec) {
        int h = xShape[2], w = xShape[3], oh = spec.outH(h), ow = spec.outW(w);
        expectShape("avg_pool2d backward: output gradient", gy, new int[] {xShape[0], xShape[1], oh, ow});
        Tensor gd = dense(gy), gx = newTensor(xShape);
        float[] ga = data(gd), gxa = data(gx);
        int go = gd.offset();
        Parallel.range(xShape[0] * xShape[1], grain((long) oh * ow * spec.kernelH() * spec.kernelW()), (from, to) -> {
            for (int p = from; p < to; p++) PoolScalar.avgPoolBackward(ga, go + p * oh * ow, oh, ow, spec, gxa, p * h * w, h, w);
        });
        return gx;
    }

    // ------------------------------------------------------------------ batch norm

    private static double sum(float[] x, int xo, int len, float shift) {
        return VECTOR ? BatchNormVector.sum(x, xo, len, shift) : BatchNormScalar.sum(x, xo, len, shift);
    }

    private static double squaredDeviation(float[] x, int xo, int len, float mean) {
        return VECTOR ? BatchNormVector.squaredDeviation(x, xo, len, mean) : BatchNormScalar.squaredDeviation(x, xo, len, mean);
    }

    private static double dot(float[] gy, int go, float[] x, int xo, int len, float mean) {
        return VECTOR ? BatchNormVector.dot(gy, go, x, xo, len, mean) : BatchNormScalar.dot(gy, go, x, xo, len, mean);
    }

    // x [N, C, H, W], w, b, running stats [C] or null -> {y [N, C, H, W], mean [C], invstd [C]}
    static Tensor[] batchNorm(Tensor x, Tensor w, Tensor b, Tensor runningMean, Tensor runningVar, boolean training, float eps) {
        int[] s = x.shape();
        int n = s[0], c = s[1], hw = c == 0 || n == 0 ? 0 : x.numel() / (n * c), chw = c * hw;
        Tensor xd = dense(x), y = newTensor(s), meanT = newTensor(new int[] {c}), invstdT = newTensor(new int[] {c});
        float[] xa = data(xd), ya = data(y), mean = data(meanT), invstd = data(invstdT), wa = host(w), ba = host(b);
        int xo = xd.offset();
        if (training) {
            double count = (double) n * hw;
            Parallel.range(c, grain((long) n * hw), (from, to) -> {
                for (int ch = from; ch < to; ch++) {
                    // mean = shift + mean of (x - shift), the shift being the channel's first value
                    float shift = xa[xo + ch * hw];
                    double total = 0;
                    for (int i = 0; i < n; i++) total += sum(xa, xo + i * chw + ch * hw, hw, shift);
                    float m = (float) (shift + total / count);
                    double dev = 0;
                    for (int i = 0; i < n; i++) dev += squaredDeviation(xa, xo + i * chw + ch * hw, hw, m);
                    mean[ch] = m;
                    invstd[ch] = (float) (1 / Math.sqrt(dev / count + eps));
                }
            });
        } else {
            float[] rm = host(runningMean), rv = host(runningVar);
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = rm[ch];
                invstd[ch] = (float) (1 / Math.sqrt((double) rv[ch] + eps));
            }
        }
        Parallel.range(n * c, grain(hw), (from, to) -> {
            for (int p = from; p < to; p++) {
                int ch = p % c;
                float scale = wa == null ? invstd[ch] : invstd[ch] * wa[ch], shift = ba == null ? 0f : ba[ch];
                if (VECTOR) BatchNormVector.normalize(xa, xo + p * hw, ya, p * hw, hw, mean[ch], scale, shift);
                else BatchNormScalar.normalize(xa, xo + p * hw, ya, p * hw, hw, mean[ch], scale, shift);
            }
        });
        return new Tensor[] {y, meanT, invstdT};
    }

    // gy, x [N, C, H, W], w [C] or null, mean, invstd [C] -> {gx, gw, gb} (gw, gb null when w is null)
    static Tensor[] batchNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor invstd, boolean training) {
        int[] s = x.shape();
        expectShape("batch_norm backward: output gradient", gy, s);
        int n = s[0], c = s[1], hw = c == 0 || n == 0 ? 0 : x.numel() / (n * c), chw = c * hw;
        Tensor gd = dense(gy), xd = dense(x), gx = newTensor(s);
        float[] ga = data(gd), xa = data(xd), gxa = data(gx), wa = host(w), ma = host(mean), ia = host(invstd);
        int go = gd.offset(), xo = xd.offset();
        double[] sumGy = new double[c], sumDot = new double[c];
        if (training || w != null) {
            Parallel.range(c, grain(2L * n * hw), (from, to) -> {
                for (int ch = from; ch < to; ch++) {
                    double sg = 0, sd = 0;
                    for (int i = 0; i < n; i++) {
                        int at = i * chw + ch * hw;
                        sg += sum(ga, go + at, hw, 0f);
                        sd += dot(ga, go + at, xa, xo + at, hw, ma[ch]);
                    }
                    sumGy[ch] = sg;
                    sumDot[ch] = sd;
                }
            });
        }
        double count = (double) n * hw;
        Parallel.range(n * c, grain(hw), (from, to) -> {
            for (int p = from; p < to; p++) {
                int ch = p % c;
                float scale = wa == null ? ia[ch] : ia[ch] * wa[ch];
                if (training) {
                    float slope = (float) ((double) ia[ch] * ia[ch] * sumDot[ch] / count), gyMean = (float) (sumGy[ch] / count);
                    if (VECTOR) BatchNormVector.backward(ga, go + p * hw, xa, xo + p * hw, gxa, p * hw, hw, ma[ch], scale, slope, gyMean);
                    else BatchNormScalar.backward(ga, go + p * hw, xa, xo + p * hw, gxa, p * hw, hw, ma[ch], scale, slope, gyMean);
                } else {
                    if (VECTOR) BatchNormVector.scale(ga, go + p * hw, gxa, p * hw, hw, scale);
                    else BatchNormScalar.scale(ga, go + p * hw, gxa, p * hw, hw, scale);
                }
            }
        });
        if (w == null) return new Tensor[] {gx, null, null};
        Tensor gw = newTensor(new int[] {c}), gb = newTensor(new int[] {c});
        float[] gwa = data(gw), gba = data(gb);
        for (int ch = 0; ch < c; ch++) {
            gwa[ch] = (float) (sumDot[ch] * ia[ch]);
            gba[ch] = (float) sumGy[ch];
        }
        return new Tensor[] {gx, gw, gb};
    }

    // ------------------------------------------------------------------ local response norm

    // x [N, C, H, W] -> {y, s} [N, C, H, W]
    static Tensor[] localResponseNorm(Tensor x, int size, float alpha, float beta, float k) {
        int[] sh = x.shape();
        int n = sh[0], c = sh[1], hw = c == 0 || n == 0 ? 0 : x.numel() / (n * c), chw = c * hw;
        Tensor xd = dense(x), y = newTensor(sh), s = newTensor(sh);
        float[] xa = data(xd), ya = data(y), sa = data(s);
        int xo = xd.offset(), blocks = Math.ceilDiv(hw, LRN_BLOCK);
        Parallel.range(n * blocks, grain((long) c * Math.min(hw, LRN_BLOCK) * size), (from, to) -> {
            for (int pc = from; pc < to; pc++) {
                int i = pc / blocks, p0 = pc % blocks * LRN_BLOCK, p1 = Math.min(hw, p0 + LRN_BLOCK);
                if (VECTOR) LrnVector.forward(xa, xo + i * chw, ya, sa, i * chw, c, hw, p0, p1, size, alpha, beta, k);
                else LrnScalar.forward(xa, xo + i * chw, ya, sa, i * chw, c, hw, p0, p1, size, alpha, beta, k);
            }
        });
        return new Tensor[] {y, s};
    }

    // gy, x, y, s [N, C, H, W] -> gx [N, C, H, W]
    static Tensor localResponseNormBackward(Tensor gy, Tensor x, Tensor y, Tensor s, int size, float alpha, float beta) {
        int[] sh = x.shape();
        expectShape("local_response_norm backward: output gradient", gy, sh);
        int n = sh[0], c = sh[1], hw = c == 0 || n == 0 ? 0 : x.numel() / (n * c), chw = c * hw;
        expectShape("local_response_norm backward: y", y, sh);
        expectShape("local_response_norm backward: s", s, sh);
        Tensor[] ys = sameOffset(y, s);
        Tensor gd = dense(gy), xd = dense(x), gx = newTensor(sh);
        float[] ga = data(gd), xa = data(xd), ya = data(ys[0]), sa = data(ys[1]), gxa = data(gx);
        int go = gd.offset(), xo = xd.offset(), yo = ys[0].offset(), blocks = Math.ceilDiv(hw, LRN_BLOCK);
        Parallel.range(n * blocks, grain((long) c * Math.min(hw, LRN_BLOCK) * size), (from, to) -> {
            float[] t = Scratch.get(LRN_SCRATCH, (long) c * LRN_BLOCK);
            for (int pc = from; pc < to; pc++) {
                int i = pc / blocks, p0 = pc % blocks * LRN_BLOCK, p1 = Math.min(hw, p0 + LRN_BLOCK);
                if (VECTOR) LrnVector.backward(ga, go + i * chw, xa, xo + i * chw, ya, sa, yo + i * chw, gxa, i * chw, c, hw, p0, p1, size, alpha, beta, t);
                else LrnScalar.backward(ga, go + i * chw, xa, xo + i * chw, ya, sa, yo + i * chw, gxa, i * chw, c, hw, p0, p1, size, alpha, beta, t);
            }
        });
        return gx;
    }
}
