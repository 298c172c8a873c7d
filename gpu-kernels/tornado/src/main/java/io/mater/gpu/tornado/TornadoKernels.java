package io.mater.gpu.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The kernels, written the TornadoVM way: plain static Java methods that TornadoVM compiles to OpenCL C.
 * They take a {@link KernelContext} (thread and group ids, local memory, barriers) and are launched on the
 * grids that {@link TornadoBackend} sets with a {@code GridScheduler}. All arrays are row-major and
 * contiguous. Under plain Java (TornadoVM's sequential fallback) every id in the context is 0, so these
 * kernels would compute almost nothing; {@link #threadIds} is the canary that catches that.
 */
final class TornadoKernels {
    // No parameter or local may be named like an OpenCL C built-in (log, exp, max, ...): TornadoVM keeps
    // Java names in the generated C, and PoCL then rejects the call ("called object type int is not a function").
    /** Side of the square local-memory tile of {@link #sgemm}; work-groups are TILE x TILE threads. */
    static final int TILE = 16;

    private TornadoKernels() {}

    /**
     * Batched SGEMM with local-memory tiles: c[z] = op(a[z]) op(b[z]) (+ bias), z = globalIdz.
     * a [batch, M, K] (or [batch, K, M] when transA = 1), b [batch, K, N] (or [batch, N, K] when transB = 1),
     * c [batch, M, N], bias [N] used when hasBias = 1. Grid: x over N, y over M (both rounded up to TILE), z
     * over batch; local TILE x TILE x 1.
     */
    static void sgemm(KernelContext ctx, FloatArray a, FloatArray b, FloatArray c, FloatArray bias,
                      int m, int n, int k, int transA, int transB, int hasBias) {
        int col = ctx.globalIdx;
        int row = ctx.globalIdy;
        int z = ctx.globalIdz;
        int tx = ctx.localIdx;
        int ty = ctx.localIdy;
        float[] as = ctx.allocateFloatLocalArray(TILE * TILE);
        float[] bs = ctx.allocateFloatLocalArray(TILE * TILE);
        int aBase = z * m * k;
        int bBase = z * k * n;
        float acc = 0.0f;
        int tiles = (k + TILE - 1) / TILE;
        for (int t = 0; t < tiles; t++) {
            int ka = t * TILE + tx;
            float av = 0.0f;
            if (row < m && ka < k) {
                if (transA == 1) av = a.get(aBase + ka * m + row);
                else av = a.get(aBase + row * k + ka);
            }
            as[ty * TILE + tx] = av;
            int kb = t * TILE + ty;
            float bv = 0.0f;
            if (kb < k && col < n) {
                if (transB == 1) bv = b.get(bBase + col * k + kb);
                else bv = b.get(bBase + kb * n + col);
            }
            bs[ty * TILE + tx] = bv;
            ctx.localBarrier();
            for (int p = 0; p < TILE; p++) acc += as[ty * TILE + p] * bs[p * TILE + tx];
            ctx.localBarrier();
        }
        if (row < m && col < n) {
            if (hasBias == 1) acc += bias.get(col);
            c.set(z * m * n + row * n + col, acc);
        }
    }

    /**
     * Row softmax of scale * x + mask (mask used when hasMask = 1), or log-softmax when logMode = 1; one thread per
     * row. x, mask, y [rows, cols]. Grid: x over rows.
     */
    static void softmaxRows(KernelContext ctx, FloatArray x, FloatArray mask, FloatArray y,
                            int rows, int cols, float scale, int hasMask, int logMode) {
        int r = ctx.globalIdx;
        if (r < rows) {
            int base = r * cols;
            float mx = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                float v = x.get(base + j) * scale;
                if (hasMask == 1) v += mask.get(base + j);
                y.set(base + j, v);
                mx = TornadoMath.max(mx, v);
            }
            float sum = 0.0f;
            for (int j = 0; j < cols; j++) {
                float v = y.get(base + j) - mx;
                y.set(base + j, v);
                sum += TornadoMath.exp(v);
            }
            if (logMode == 1) {
                float ls = TornadoMath.log(sum);
                for (int j = 0; j < cols; j++) y.set(base + j, y.get(base + j) - ls);
            } else {
                float inv = 1.0f / sum;
                for (int j = 0; j < cols; j++) y.set(base + j, TornadoMath.exp(y.get(base + j)) * inv);
            }
        }
    }

    /**
     * Gradient of {@link #softmaxRows} with respect to its input x, from the output y and its gradient gy:
     * softmax: gx = scale * y * (gy - sum(gy * y)); log-softmax: gx = scale * (gy - exp(y) * sum(gy)).
     */
    static void softmaxBackwardRows(KernelContext ctx, FloatArray y, FloatArray gy, FloatArray gx,
                                    int rows, int cols, float scale, int logMode) {
        int r = ctx.globalIdx;
        if (r < rows) {
            int base = r * cols;
            float dot = 0.0f;
            if (logMode == 1) {
                for (int j = 0; j < cols; j++) dot += gy.get(base + j);
                for (int j = 0; j < cols; j++)
                    gx.set(base + j, scale * (gy.get(base + j) - TornadoMath.exp(y.get(base + j)) * dot));
            } else {
                for (int j = 0; j < cols; j++) dot += gy.get(base + j) * y.get(base + j);
                for (int j = 0; j < cols; j++)
                    gx.set(base + j, scale * y.get(base + j) * (gy.get(base + j) - dot));
            }
        }
    }

    /**
     * Inverted dropout with the engine's counter-based mask ({@code Rng.hashUniform(key0, key1, i)} >= p keeps
     * element i): y[i] = keep ? x[i] / (1 - p) : 0, i over [0, n). keys = {key0, key1} from {@code Rng.hashKeys},
     * so the mask is bit-identical to the CPU's.
     */
    static void dropout(KernelContext ctx, FloatArray x, FloatArray y, IntArray keys, int n, float p) {
        int i = ctx.globalIdx;
        if (i < n) {
            int h = i * 0x9E3779B9 + keys.get(0);
            h ^= keys.get(1);
            // Logical shifts written as arithmetic shifts and masks (same bits as Rng's >>>).
            h ^= (h >> 16) & 0xFFFF;
            h *= 0x85EBCA6B;
            h ^= (h >> 13) & 0x7FFFF;
            h *= 0xC2B2AE35;
            h ^= (h >> 16) & 0xFFFF;
            float u = ((h >> 8) & 0xFFFFFF) * 0x1.0p-24f;
            float scale = 1.0f / (1.0f - p);
            if (u >= p) y.set(i, x.get(i) * scale);
            else y.set(i, 0.0f);
        }
    }

    /** Canary: out[i] = 1000 * groupIdx + localIdx + 1. Plain Java (the silent fallback) leaves 1, 0, 0, .... */
    static void threadIds(KernelContext ctx, IntArray out) {
        int i = ctx.globalIdx;
        out.set(i, 1000 * ctx.groupIdx + ctx.localIdx + 1);
    }
}
