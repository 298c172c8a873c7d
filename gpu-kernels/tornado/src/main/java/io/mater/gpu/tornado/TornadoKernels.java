package io.mater.gpu.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The kernels, written the TornadoVM way: plain static Java methods that TornadoVM compiles to OpenCL C.
 *
 * <p>Every kernel has the same signature {@code (ctx, mem, ip, fp)}: {@code mem} is the device arena that
 * holds every tensor of the backend (see {@link TornadoBackend}), {@code ip} and {@code fp} are the call's
 * integer and float arguments (element offsets into the arena, sizes, strides, flags), copied to the device
 * with each call. So one compiled kernel serves every shape, and tensors never leave the device between ops.
 *
 * <p>All kernels loop grid-stride ({@code i += globalGroupSizeX}) over a fixed 1-D grid, so any size fits any
 * grid. Under plain Java (TornadoVM's sequential fallback) every id in the context is 0, so these kernels would
 * compute garbage; {@link #canary} catches that at open.
 */
final class TornadoKernels {
    // No parameter or local may be named like an OpenCL C built-in (log, exp, max, min, sign, ...): TornadoVM keeps
    // Java names in the generated C, and PoCL then rejects the call ("called object type int is not a function").

    /** Side of the square local-memory tile of {@link #sgemm}; work-groups are TILE * TILE threads. */
    static final int TILE = 16;
    /** Highest rank of the strided elementwise kernels. */
    static final int MAXR = 8;

    // Elementwise layout of ip: rank, n, shape[MAXR], strides of operands 0..2 [3][MAXR], offsets of operands 0..2,
    // output offset (contiguous output), op / flag.
    static final int E_RANK = 0, E_N = 1, E_SHAPE = 2, E_ST = E_SHAPE + MAXR, E_OFF = E_ST + 3 * MAXR, E_OUT = E_OFF + 3,
            E_OP = E_OUT + 1, E_SIZE = E_OP + 1;

    private TornadoKernels() {}

    // ------------------------------------------------------------------ helpers (inlined by TornadoVM)

    /** Offset in the arena of the idx-th (row-major) element of the output, read through operand k's strides. */
    static int at(IntArray ip, int k, int idx) {
        int rank = ip.get(E_RANK);
        int o = ip.get(E_OFF + k);
        int rest = idx;
        for (int d = rank - 1; d >= 0; d--) {
            int s = ip.get(E_SHAPE + d);
            o += (rest % s) * ip.get(E_ST + k * MAXR + d);
            rest = rest / s;
        }
        return o;
    }

    /** erf by Abramowitz and Stegun 7.1.26, as the CPU kernels. */
    static float erfAs(float x) {
        float ax = TornadoMath.abs(x);
        float t = 1.0f / (1.0f + 0.3275911f * ax);
        float y = 1.0f - (((((1.061405429f * t - 1.453152027f) * t) + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t * TornadoMath.exp(-ax * ax);
        if (x < 0.0f) y = -y;
        return y;
    }

    /** {@code io.mater.engine.UnaryOp} by ordinal. */
    static float unaryOp(int op, float x, float p, float q) {
        float r = x;
        if (op == 0) r = -x;
        else if (op == 1) r = TornadoMath.exp(x);
        else if (op == 2) r = TornadoMath.log(x);
        else if (op == 3) r = TornadoMath.sqrt(x);
        else if (op == 4) r = TornadoMath.abs(x);
        else if (op == 5) r = x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);
        else if (op == 6) r = x > 0.0f ? x : 0.0f;
        else if (op == 7) r = 0.5f * x * (1.0f + erfAs(x * 0.70710678118654752f));
        else if (op == 8) r = TornadoMath.tanh(x);
        else if (op == 9) r = 1.0f / (1.0f + TornadoMath.exp(-x));
        else if (op == 10) r = x * x;
        else if (op == 11) r = 1.0f / x;
        else if (op == 12) r = p * x + q;
        else if (op == 13) r = TornadoMath.pow(x, p);
        else if (op == 14) r = TornadoMath.min(TornadoMath.max(x, p), q);
        else if (op == 15) r = x >= p && x <= q ? 1.0f : 0.0f;
        else if (op == 16) r = x > p ? 1.0f : 0.0f;
        else if (op == 17) r = x < p ? 1.0f : 0.0f;
        else if (op == 18) r = x == p ? 1.0f : 0.0f;
        return r;
    }

    /** {@code io.mater.engine.BinaryOp} by ordinal; NaN propagates through maximum and minimum. */
    static float binaryOp(int op, float a, float b) {
        float r = a;
        if (op == 0) r = a + b;
        else if (op == 1) r = a - b;
        else if (op == 2) r = a * b;
        else if (op == 3) r = a / b;
        else if (op == 4) r = TornadoMath.pow(a, b);
        else if (op == 5) r = (a != a || b != b) ? a + b : TornadoMath.max(a, b);
        else if (op == 6) r = (a != a || b != b) ? a + b : TornadoMath.min(a, b);
        else if (op == 7) r = a > b ? 1.0f : 0.0f;
        else if (op == 8) r = a < b ? 1.0f : 0.0f;
        else if (op == 9) r = a == b ? 1.0f : 0.0f;
        else if (op == 10) r = b > 0.0f ? a : 0.0f;
        else if (op == 11) {
            float cdf = 0.5f * (1.0f + erfAs(b * 0.70710678118654752f));
            float pdf = 0.39894228040143268f * TornadoMath.exp(-0.5f * b * b);
            r = a * (cdf + b * pdf);
        } else if (op == 12) r = a * (1.0f - b * b);
        else if (op == 13) r = a * b * (1.0f - b);
        return r;
    }

    /** {@code io.mater.engine.ReduceOp} by ordinal (sum, max, min; NaN propagates). */
    static float combine(int op, float acc, float v) {
        float r = acc + v;
        if (op == 1) r = (acc != acc || v != v) ? acc + v : TornadoMath.max(acc, v);
        else if (op == 2) r = (acc != acc || v != v) ? acc + v : TornadoMath.min(acc, v);
        return r;
    }

    // ------------------------------------------------------------------ memory

    /** Canary: ids[i] = 1000 * groupIdx + localIdx + 1. Plain Java (the silent fallback) leaves 1, 0, 0, .... */
    static void canary(KernelContext ctx, FloatArray mem, IntArray ids, FloatArray fp) {
        int i = ctx.globalIdx;
        if (i < ids.getSize()) ids.set(i, 1000 * ctx.groupIdx + ctx.localIdx + 1);
        if (i == 0 && ids.getSize() < 0) mem.set(0, fp.get(0));
    }

    /** mem[ip0 + i] = staging[i], i < ip1. */
    static void upload(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray staging) {
        int dst = ip.get(0), n = ip.get(1);
        for (int i = ctx.globalIdx; i < n; i += ctx.globalGroupSizeX) mem.set(dst + i, staging.get(i));
    }

    /** staging[i] = mem[ip0 + i], i < ip1. */
    static void download(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray staging) {
        int src = ip.get(0), n = ip.get(1);
        for (int i = ctx.globalIdx; i < n; i += ctx.globalGroupSizeX) staging.set(i, mem.get(src + i));
    }

    /** dst[at1(i)] = src[at0(i)], or += when ip[E_OP] = 1; dst a non-overlapping strided view. */
    static void copyStrided(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int n = ip.get(E_N), acc = ip.get(E_OP);
        for (int i = ctx.globalIdx; i < n; i += ctx.globalGroupSizeX) {
            int d = at(ip, 1, i);
            float s = mem.get(at(ip, 0, i));
            if (acc == 1) mem.set(d, mem.get(d) + s);
            else mem.set(d, s);
        }
    }

    /** dst[at0(i)] = fp0. */
    static void fillStrided(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int n = ip.get(E_N);
        float value = fp.get(0);
        for (int i = ctx.globalIdx; i < n; i += ctx.globalGroupSizeX) mem.set(at(ip, 0, i), value);
    }

    // ------------------------------------------------------------------ elementwise

    /** y[i] = op(a[at0(i)], fp0, fp1), y contiguous at ip[E_OUT]. */
    static void unary(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int n = ip.get(E_N), out = ip.get(E_OUT), op = ip.get(E_OP);
        float p = fp.get(0), q = fp.get(1);
        for (int i = ctx.globalIdx; i < n; i += ctx.globalGroupSizeX) mem.set(out + i, unaryOp(op, mem.get(at(ip, 0, i)), p, q));
    }

    static void binary(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int n = ip.get(E_N), out = ip.get(E_OUT), op = ip.get(E_OP);
        for (int i = ctx.globalIdx; i < n; i += ctx.globalGroupSizeX)
            mem.set(out + i, binaryOp(op, mem.get(at(ip, 0, i)), mem.get(at(ip, 1, i))));
    }

    /** y[i] = c[at0(i)] != 0 ? a[at1(i)] : b[at2(i)]. */
    static void where3(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int n = ip.get(E_N), out = ip.get(E_OUT);
        for (int i = ctx.globalIdx; i < n; i += ctx.globalGroupSizeX) {
            float v = mem.get(at(ip, 2, i));
            if (mem.get(at(ip, 0, i)) != 0.0f) v = mem.get(at(ip, 1, i));
            mem.set(out + i, v);
        }
    }

    /**
     * Inverted dropout with the engine's counter-based mask ({@code Rng.hashUniform(key0, key1, i)} >= p keeps
     * element i): y[i] = keep ? x[i] / (1 - p) : 0. ip: x, y, n, key0, key1; fp: p. Bit-identical to the CPU's mask.
     */
    static void dropout(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int x = ip.get(0), y = ip.get(1), n = ip.get(2), key0 = ip.get(3), key1 = ip.get(4);
        float p = fp.get(0);
        float scale = 1.0f / (1.0f - p);
        for (int i = ctx.globalIdx; i < n; i += ctx.globalGroupSizeX) {
            int h = i * 0x9E3779B9 + key0;
            h ^= key1;
            // Logical shifts written as arithmetic shifts and masks (same bits as Rng's >>>).
            h ^= (h >> 16) & 0xFFFF;
            h *= 0x85EBCA6B;
            h ^= (h >> 13) & 0x7FFFF;
            h *= 0xC2B2AE35;
            h ^= (h >> 16) & 0xFFFF;
            float u = ((h >> 8) & 0xFFFFFF) * 0x1.0p-24f;
            if (u >= p) mem.set(y + i, mem.get(x + i) * scale);
            else mem.set(y + i, 0.0f);
        }
    }

    /**
     * One Adam/AdamW step per element with PyTorch's arithmetic. ip: param, grad, m, v, n, decoupled;
     * fp: lr, beta1, beta2, eps, weightDecay, stepSize = lr / (1 - beta1^t), bc2Sqrt = sqrt(1 - beta2^t).
     */
    static void adam(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int po = ip.get(0), go = ip.get(1), mo = ip.get(2), vo = ip.get(3), n = ip.get(4), decoupled = ip.get(5);
        float lr = fp.get(0), beta1 = fp.get(1), beta2 = fp.get(2), eps = fp.get(3), wd = fp.get(4), stepSize = fp.get(5), bc2Sqrt = fp.get(6);
        for (int i = ctx.globalIdx; i < n; i += ctx.globalGroupSizeX) {
            float pi = mem.get(po + i), gi = mem.get(go + i);
            if (wd != 0.0f) {
                if (decoupled == 1) pi = pi * (1.0f - lr * wd);
                else gi = gi + wd * pi;
            }
            float mi = beta1 * mem.get(mo + i) + (1.0f - beta1) * gi;
            float vi = beta2 * mem.get(vo + i) + (1.0f - beta2) * gi * gi;
            mem.set(mo + i, mi);
            mem.set(vo + i, vi);
            float denom = TornadoMath.sqrt(vi) / bc2Sqrt + eps;
            mem.set(po + i, pi - stepSize * (mi / denom));
        }
    }

    // ------------------------------------------------------------------ rows (one thread per row, contiguous)

    /** y[r] = reduce over x[r, 0..cols). ip: x, y, rows, cols, op. */
    static void reduceRows(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int x = ip.get(0), y = ip.get(1), rows = ip.get(2), cols = ip.get(3), op = ip.get(4);
        for (int r = ctx.globalIdx; r < rows; r += ctx.globalGroupSizeX) {
            int base = x + r * cols;
            float acc = 0.0f;
            if (op == 1) acc = Float.NEGATIVE_INFINITY;
            else if (op == 2) acc = Float.POSITIVE_INFINITY;
            for (int c = 0; c < cols; c++) acc = combine(op, acc, mem.get(base + c));
            mem.set(y + r, acc);
        }
    }

    /** y[r] = index of the first maximum of x[r, :] (NaN counts as the maximum). ip: x, y, rows, cols. */
    static void argmaxRows(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int x = ip.get(0), y = ip.get(1), rows = ip.get(2), cols = ip.get(3);
        for (int r = ctx.globalIdx; r < rows; r += ctx.globalGroupSizeX) {
            int base = x + r * cols;
            float best = mem.get(base);
            int bi = 0;
            for (int c = 1; c < cols; c++) {
                float v = mem.get(base + c);
                if (best == best && (v > best || v != v)) {
                    best = v;
                    bi = c;
                }
            }
            mem.set(y + r, bi);
        }
    }

    /**
     * y = softmax(scale x + mask) (or log_softmax when logMode = 1) per row. The optional additive mask is read
     * through broadcast strides over [B, H, Tq, cols] (rows = B H Tq), as attention scores need.
     * ip: x, y, rows, cols, logMode, hasMask, mOff, heads, tq, msB, msH, msI, msJ; fp: scale.
     */
    static void softmaxRows(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int x = ip.get(0), y = ip.get(1), rows = ip.get(2), cols = ip.get(3), logMode = ip.get(4), hasMask = ip.get(5);
        int mOff = ip.get(6), heads = ip.get(7), tq = ip.get(8), msB = ip.get(9), msH = ip.get(10), msI = ip.get(11), msJ = ip.get(12);
        float scale = fp.get(0);
        for (int r = ctx.globalIdx; r < rows; r += ctx.globalGroupSizeX) {
            int base = r * cols;
            int mrow = 0;
            if (hasMask == 1) {
                int bh = r / tq;
                mrow = mOff + (bh / heads) * msB + (bh % heads) * msH + (r % tq) * msI;
            }
            float mx = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                float v = scale * mem.get(x + base + c);
                if (hasMask == 1) v += mem.get(mrow + c * msJ);
                mx = TornadoMath.max(mx, v);
            }
            float sum = 0.0f;
            for (int c = 0; c < cols; c++) {
                float v = scale * mem.get(x + base + c);
                if (hasMask == 1) v += mem.get(mrow + c * msJ);
                sum += TornadoMath.exp(v - mx);
            }
            float lse = mx + TornadoMath.log(sum);
            float inv = 1.0f / sum;
            for (int c = 0; c < cols; c++) {
                float v = scale * mem.get(x + base + c);
                if (hasMask == 1) v += mem.get(mrow + c * msJ);
                if (logMode == 1) mem.set(y + base + c, v - lse);
                else mem.set(y + base + c, TornadoMath.exp(v - mx) * inv);
            }
        }
    }

    /** softmax: gx = y (gy - sum(gy y)); log_softmax: gx = gy - exp(y) sum(gy). ip: y, gy, gx, rows, cols, logMode. */
    static void softmaxBackwardRows(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int y = ip.get(0), gy = ip.get(1), gx = ip.get(2), rows = ip.get(3), cols = ip.get(4), logMode = ip.get(5);
        for (int r = ctx.globalIdx; r < rows; r += ctx.globalGroupSizeX) {
            int base = r * cols;
            float s = 0.0f;
            for (int c = 0; c < cols; c++) {
                if (logMode == 1) s += mem.get(gy + base + c);
                else s += mem.get(gy + base + c) * mem.get(y + base + c);
            }
            for (int c = 0; c < cols; c++) {
                float g = mem.get(gy + base + c), yv = mem.get(y + base + c);
                if (logMode == 1) mem.set(gx + base + c, g - TornadoMath.exp(yv) * s);
                else mem.set(gx + base + c, yv * (g - s));
            }
        }
    }

    /**
     * y = (x - mean) rstd w + b per row (biased variance); w, b used when hasW / hasB.
     * ip: x, w, b, y, mean, rstd, rows, cols, hasW, hasB; fp: eps.
     */
    static void layerNormRows(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int x = ip.get(0), w = ip.get(1), b = ip.get(2), y = ip.get(3), mean = ip.get(4), rstd = ip.get(5);
        int rows = ip.get(6), cols = ip.get(7), hasW = ip.get(8), hasB = ip.get(9);
        float eps = fp.get(0);
        for (int r = ctx.globalIdx; r < rows; r += ctx.globalGroupSizeX) {
            int base = x + r * cols;
            float s = 0.0f;
            for (int c = 0; c < cols; c++) s += mem.get(base + c);
            float mu = s / cols;
            float v = 0.0f;
            for (int c = 0; c < cols; c++) {
                float d = mem.get(base + c) - mu;
                v += d * d;
            }
            float rs = 1.0f / TornadoMath.sqrt(v / cols + eps);
            mem.set(mean + r, mu);
            mem.set(rstd + r, rs);
            for (int c = 0; c < cols; c++) {
                float xh = (mem.get(base + c) - mu) * rs;
                if (hasW == 1) xh = xh * mem.get(w + c);
                if (hasB == 1) xh = xh + mem.get(b + c);
                mem.set(y + r * cols + c, xh);
            }
        }
    }

    /**
     * gx = rstd (gxh - mean(gxh) - xh mean(gxh xh)), xh = (x - mean) rstd, gxh = gy w.
     * ip: gy, x, w, mean, rstd, gx, rows, cols, hasW.
     */
    static void layerNormBackwardRows(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int gy = ip.get(0), x = ip.get(1), w = ip.get(2), mean = ip.get(3), rstd = ip.get(4), gx = ip.get(5);
        int rows = ip.get(6), cols = ip.get(7), hasW = ip.get(8);
        for (int r = ctx.globalIdx; r < rows; r += ctx.globalGroupSizeX) {
            int base = r * cols;
            float mu = mem.get(mean + r), rs = mem.get(rstd + r);
            float s1 = 0.0f, s2 = 0.0f;
            for (int c = 0; c < cols; c++) {
                float gxh = mem.get(gy + base + c);
                if (hasW == 1) gxh = gxh * mem.get(w + c);
                s1 += gxh;
                s2 += gxh * (mem.get(x + base + c) - mu) * rs;
            }
            float m1 = s1 / cols, m2 = s2 / cols;
            for (int c = 0; c < cols; c++) {
                float gxh = mem.get(gy + base + c);
                if (hasW == 1) gxh = gxh * mem.get(w + c);
                float xh = (mem.get(x + base + c) - mu) * rs;
                mem.set(gx + base + c, rs * (gxh - m1 - xh * m2));
            }
        }
    }

    /** gw[c] = sum over rows of gy xh; gb[c] = sum over rows of gy. ip: gy, x, mean, rstd, gw, gb, rows, cols. */
    static void layerNormParams(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int gy = ip.get(0), x = ip.get(1), mean = ip.get(2), rstd = ip.get(3), gw = ip.get(4), gb = ip.get(5);
        int rows = ip.get(6), cols = ip.get(7);
        for (int c = ctx.globalIdx; c < cols; c += ctx.globalGroupSizeX) {
            float sw = 0.0f, sb = 0.0f;
            for (int r = 0; r < rows; r++) {
                float g = mem.get(gy + r * cols + c);
                sw += g * (mem.get(x + r * cols + c) - mem.get(mean + r)) * mem.get(rstd + r);
                sb += g;
            }
            mem.set(gw + c, sw);
            mem.set(gb + c, sb);
        }
    }

    /** loss[i] = -logp[i, label[i]] (0 for ignored). ip: logp, labels, loss, n, c, ignoreIndex. */
    static void crossEntropy(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int logp = ip.get(0), labels = ip.get(1), loss = ip.get(2), n = ip.get(3), c = ip.get(4), ignore = ip.get(5);
        for (int i = ctx.globalIdx; i < n; i += ctx.globalGroupSizeX) {
            int l = (int) mem.get(labels + i);
            float v = 0.0f;
            if (l != ignore) v = -mem.get(logp + i * c + l);
            mem.set(loss + i, v);
        }
    }

    /**
     * gx[i, j] = g[i] (exp(logp[i, j]) - [j == label[i]]), zero rows for ignored labels; g read with a stride
     * (0 when broadcast). ip: logp, labels, g, gStride, gx, n, c, ignoreIndex.
     */
    static void crossEntropyBackward(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int logp = ip.get(0), labels = ip.get(1), g = ip.get(2), gStride = ip.get(3), gx = ip.get(4), n = ip.get(5), c = ip.get(6), ignore = ip.get(7);
        for (int idx = ctx.globalIdx; idx < n * c; idx += ctx.globalGroupSizeX) {
            int i = idx / c, j = idx % c;
            int l = (int) mem.get(labels + i);
            float v = 0.0f;
            if (l != ignore) {
                float onehot = 0.0f;
                if (j == l) onehot = 1.0f;
                v = mem.get(g + i * gStride) * (TornadoMath.exp(mem.get(logp + idx)) - onehot);
            }
            mem.set(gx + idx, v);
        }
    }

    // ------------------------------------------------------------------ gather and scatter

    /** out [outer, nIdx, inner] = a [outer, axisLen, inner] at index along the middle axis. ip: a, index, out, outer, axisLen, nIdx, inner. */
    static void indexSelect(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int a = ip.get(0), index = ip.get(1), out = ip.get(2), outer = ip.get(3), axisLen = ip.get(4), nIdx = ip.get(5), inner = ip.get(6);
        int total = outer * nIdx * inner;
        for (int i = ctx.globalIdx; i < total; i += ctx.globalGroupSizeX) {
            int r = i % inner, t = (i / inner) % nIdx, o = i / (inner * nIdx);
            int src = (int) mem.get(index + t);
            mem.set(out + i, mem.get(a + (o * axisLen + src) * inner + r));
        }
    }

    /** out [outer, axisLen, inner] = sum over t with index[t] == a of g [outer, nIdx, inner], in index order (deterministic). */
    static void indexAdd(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int g = ip.get(0), index = ip.get(1), out = ip.get(2), outer = ip.get(3), axisLen = ip.get(4), nIdx = ip.get(5), inner = ip.get(6);
        int total = outer * axisLen * inner;
        for (int i = ctx.globalIdx; i < total; i += ctx.globalGroupSizeX) {
            int r = i % inner, a = (i / inner) % axisLen, o = i / (inner * axisLen);
            float s = 0.0f;
            for (int t = 0; t < nIdx; t++)
                if ((int) mem.get(index + t) == a) s += mem.get(g + (o * nIdx + t) * inner + r);
            mem.set(out + i, s);
        }
    }

    // ------------------------------------------------------------------ matmul

    // sgemm's ip: m, n, k, aOff, aRowStride, aColStride, bOff, bRowStride, bColStride, batchRank (<= 4),
    // batchShape[4], aBatchStrides[4], bBatchStrides[4], hasBias, biasOff, cOff.
    static final int G_BATCH = 10, G_SA = 14, G_SB = 18, G_HASBIAS = 22, G_BIAS = 23, G_C = 24, G_SIZE = 25;

    /**
     * Batched SGEMM with local-memory tiles over strided operands: c[z] = a[z] b[z] (+ bias), c contiguous
     * [batch, M, N]. Work-groups of TILE * TILE threads walk the output tiles grid-stride (tile t = group id,
     * then + number of groups), so one fixed grid serves every size.
     */
    static void sgemm(KernelContext ctx, FloatArray mem, IntArray ip, FloatArray fp) {
        int m = ip.get(0), n = ip.get(1), k = ip.get(2);
        int aOff = ip.get(3), aRs = ip.get(4), aCs = ip.get(5), bOff = ip.get(6), bRs = ip.get(7), bCs = ip.get(8);
        int batchRank = ip.get(9), hasBias = ip.get(G_HASBIAS), biasOff = ip.get(G_BIAS), cOff = ip.get(G_C);
        int tx = ctx.localIdx % TILE;
        int ty = ctx.localIdx / TILE;
        int groups = ctx.globalGroupSizeX / (TILE * TILE);
        float[] as = ctx.allocateFloatLocalArray(TILE * TILE);
        float[] bs = ctx.allocateFloatLocalArray(TILE * TILE);
        int tilesN = (n + TILE - 1) / TILE, tilesM = (m + TILE - 1) / TILE;
        int batch = 1;
        for (int d = 0; d < batchRank; d++) batch *= ip.get(G_BATCH + d);
        int total = tilesN * tilesM * batch;
        int kTiles = (k + TILE - 1) / TILE;
        for (int t = ctx.groupIdx; t < total; t += groups) {
            int tn = t % tilesN;
            int tm = (t / tilesN) % tilesM;
            int z = t / (tilesN * tilesM);
            int aBase = aOff, bBase = bOff, rest = z;
            for (int d = batchRank - 1; d >= 0; d--) {
                int s = ip.get(G_BATCH + d);
                int zi = rest % s;
                rest = rest / s;
                aBase += zi * ip.get(G_SA + d);
                bBase += zi * ip.get(G_SB + d);
            }
            int row = tm * TILE + ty;
            int col = tn * TILE + tx;
            float acc = 0.0f;
            for (int kt = 0; kt < kTiles; kt++) {
                int ka = kt * TILE + tx;
                float av = 0.0f;
                if (row < m && ka < k) av = mem.get(aBase + row * aRs + ka * aCs);
                as[ty * TILE + tx] = av;
                int kb = kt * TILE + ty;
                float bv = 0.0f;
                if (kb < k && col < n) bv = mem.get(bBase + kb * bRs + col * bCs);
                bs[ty * TILE + tx] = bv;
                ctx.localBarrier();
                for (int p = 0; p < TILE; p++) acc += as[ty * TILE + p] * bs[p * TILE + tx];
                ctx.localBarrier();
            }
            if (row < m && col < n) {
                if (hasBias == 1) acc += mem.get(biasOff + col);
                mem.set(cOff + z * m * n + row * n + col, acc);
            }
        }
    }
}
