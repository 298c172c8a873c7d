package io.mater.engine.cpu;

import io.mater.engine.Backend;
import io.mater.engine.BinaryOp;
import io.mater.engine.Conv2dSpec;
import io.mater.engine.Device;
import io.mater.engine.HeapPool;
import io.mater.engine.MemoryScope;
import io.mater.engine.Pool2dSpec;
import io.mater.engine.ReduceOp;
import io.mater.engine.Shape;
import io.mater.engine.Storage;
import io.mater.engine.Tensor;
import io.mater.engine.UnaryOp;

/** The CPU backend: heap float arrays, Vector API kernels when available, scalar twins otherwise. */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override
    public Device device() {
        return Device.CPU;
    }

    static float[] data(Tensor t) {
        return ((Storage.Heap) t.storage()).data();
    }

    /** t's elements in row-major order from index 0, for a kernel that only reads them: t's own array if it allows. */
    static float[] readOnly(Tensor t) {
        return t.isContiguous() && t.offset() == 0 ? data(t) : INSTANCE.download(t);
    }

    /** A zeroed contiguous tensor; its array comes from the {@link HeapPool} inside a memory scope. */
    static Tensor newTensor(int[] shape) {
        return Tensor.wrap(HeapPool.allocate(Shape.numelInt(shape)), shape);
    }

    /** As {@link #newTensor}, for an op that writes every element: a reused array is not zeroed first. */
    static Tensor newOutput(int[] shape) {
        return Tensor.wrap(HeapPool.allocateForWrite(Shape.numelInt(shape)), shape);
    }

    /** t itself when contiguous (at any offset), else a contiguous copy. */
    static Tensor dense(Tensor t) {
        return t.isContiguous() ? t : INSTANCE.contiguous(t);
    }

    // ------------------------------------------------------------------ memory

    /** Arrays of tensors made inside the scope are reused by later scopes ({@link HeapPool}). */
    @Override
    public MemoryScope memoryScope() {
        return HeapPool.open();
    }

    @Override
    public Tensor zeros(int[] shape) {
        return newTensor(shape);
    }

    @Override
    public Tensor upload(Tensor cpu) {
        if (!cpu.device().isCpu()) return Tensor.of(cpu.backend().download(cpu), cpu.shape());
        return contiguous(cpu);
    }

    @Override
    public float[] download(Tensor t) {
        int n = t.numel();
        float[] out = new float[n]; // never a pooled array: the caller owns it
        if (t.isContiguous()) {
            System.arraycopy(data(t), t.offset(), out, 0, n);
        } else {
            int[] shape = t.shape();
            Strided.copy(data(t), t.offset(), t.strides(), out, 0, Shape.contiguousStrides(shape), shape, false);
        }
        return out;
    }

    @Override
    public Tensor contiguous(Tensor t) {
        int[] shape = t.shape();
        var out = newTensor(shape);
        Strided.copy(data(t), t.offset(), t.strides(), data(out), 0, out.strides(), shape, false);
        return out;
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        int[] shape = dst.shape();
        int[] ss = Shape.broadcastStrides(src.shape(), src.strides(), shape);
        Strided.copy(data(src), src.offset(), ss, data(dst), dst.offset(), dst.strides(), shape, false);
    }

    @Override
    public void addInto(Tensor src, Tensor dst) {
        int[] shape = dst.shape();
        int[] ss = Shape.broadcastStrides(src.shape(), src.strides(), shape);
        Strided.copy(data(src), src.offset(), ss, data(dst), dst.offset(), dst.strides(), shape, true);
    }

    @Override
    public void fill(Tensor dst, float value) {
        Strided.fill(data(dst), dst.offset(), dst.strides(), dst.shape(), value);
    }

    // ------------------------------------------------------------------ elementwise

    /** Elements per parallel work piece of elementwise loops. */
    private static final int PIECE = 1 << 14;

    /** Runs body over every inner run of a coalesced layout, parallel over pieces of about PIECE elements. */
    private static void forEachRun(Strided.Layout l, int[] base, RunBody body) {
        int inner = l.inner();
        long outer = l.outer();
        int split = inner > PIECE ? (inner + PIECE - 1) / PIECE : 1;
        int chunk = (inner + split - 1) / split;
        long pieces = outer * split;
        int grain = Math.max(1, PIECE / Math.max(1, Math.min(inner, chunk)));
        int ops = base.length;
        io.mater.engine.Parallel.range((int) pieces, grain, (from, to) -> {
            int[] off = new int[ops], at = new int[ops];
            for (int pc = from; pc < to; pc++) {
                long o = pc / split;
                int s0 = (int) (pc % split) * chunk;
                int len = Math.min(chunk, inner - s0);
                l.offsets(o, base, off);
                for (int k = 0; k < ops; k++) at[k] = off[k] + s0 * l.innerStride(k);
                body.run(at, len);
            }
        });
    }

    @FunctionalInterface
    private interface RunBody {
        void run(int[] offsets, int length);
    }

    @Override
    public Tensor unary(UnaryOp op, Tensor a, float p, float q) {
        int[] shape = a.shape();
        Tensor out = newOutput(shape);
        float[] x = data(a), y = data(out);
        var l = Strided.coalesce(shape, out.strides(), a.strides());
        int xs = l.innerStride(1);
        forEachRun(l, new int[] {0, a.offset()}, (off, n) -> Kernels.unary(op, x, off[1], xs, y, off[0], n, p, q));
        return out;
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(a.shape(), b.shape());
        Tensor out = newOutput(shape);
        float[] xa = data(a), xb = data(b), y = data(out);
        var l = Strided.coalesce(shape, out.strides(),
                Shape.broadcastStrides(a.shape(), a.strides(), shape), Shape.broadcastStrides(b.shape(), b.strides(), shape));
        int sa = l.innerStride(1), sb = l.innerStride(2);
        forEachRun(l, new int[] {0, a.offset(), b.offset()}, (off, n) -> Kernels.binary(op, xa, off[1], sa, xb, off[2], sb, y, off[0], n));
        return out;
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(Shape.broadcast(cond.shape(), a.shape()), b.shape());
        Tensor out = newTensor(shape);
        float[] xc = data(cond), xa = data(a), xb = data(b), y = data(out);
        var l = Strided.coalesce(shape, out.strides(), Shape.broadcastStrides(cond.shape(), cond.strides(), shape),
                Shape.broadcastStrides(a.shape(), a.strides(), shape), Shape.broadcastStrides(b.shape(), b.strides(), shape));
        int sc = l.innerStride(1), sa = l.innerStride(2), sb = l.innerStride(3);
        forEachRun(l, new int[] {0, cond.offset(), a.offset(), b.offset()}, (off, n) -> {
            for (int i = 0; i < n; i++)
                y[off[0] + i] = xc[off[1] + i * sc] != 0f ? xa[off[2] + i * sa] : xb[off[3] + i * sb];
        });
        return out;
    }

    // ------------------------------------------------------------------ reductions

    @Override
    public Tensor reduce(ReduceOp op, Tensor a, int[] axes, boolean keepdim) {
        int[] shape = a.shape();
        int[] outShape = Shape.reduced(shape, axes, keepdim);
        Tensor out = newTensor(outShape);
        float[] y = data(out);
        boolean[] red = new boolean[shape.length];
        for (int ax : axes) red[ax] = true;
        // Find the block [A, R, B]: reduced axes must be one run among the non-unit axes of a dense tensor.
        Tensor x = a;
        int first = -1, last = -1;
        boolean oneRun = true;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) continue;
            if (red[i]) {
                if (first < 0) first = i;
                else if (last != i - 1 && hasNonUnitKeptBetween(shape, red, last, i)) oneRun = false;
                last = i;
            }
        }
        long nA = 1, nR = 1, nB = 1;
        if (first < 0) {
            // Nothing non-trivial reduced: a copy (sizes of reduced axes are 1).
            nA = Shape.numel(shape);
        } else if (oneRun) {
            x = dense(a);
            for (int i = 0; i < shape.length; i++) {
                if (red[i]) nR *= shape[i];
                else if (i < first) nA *= shape[i];
                else nB *= shape[i];
            }
        } else {
            // Move kept axes first, reduced last, as a dense copy: [A, R, 1].
            int[] order = new int[shape.length];
            int j = 0;
            for (int i = 0; i < shape.length; i++) if (!red[i]) order[j++] = i;
            for (int i = 0; i < shape.length; i++) if (red[i]) order[j++] = i;
            x = contiguous(a.detach().permute(order));
            for (int i = 0; i < shape.length; i++) {
                if (red[i]) nR *= shape[i];
                else nA *= shape[i];
            }
        }
        float[] xd = data(x);
        int xo = x.offset();
        final int A = (int) nA, R = (int) nR, B = (int) nB;
        if (R == 0) {
            float init = op == ReduceOp.SUM ? 0f : op == ReduceOp.MAX ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            java.util.Arrays.fill(y, init);
        } else if (first < 0) {
            float[] src = data(contiguous(a));
            System.arraycopy(src, 0, y, 0, y.length);
        } else if (B == 1) {
            int grain = Math.max(1, PIECE / Math.max(R, 1));
            io.mater.engine.Parallel.range(A, grain, (from, to) -> Kernels.reduceRows(op, xd, xo + from * R, to - from, R, y, from));
        } else {
            // Column blocks of [R, B] per outer index; each output is reduced by one thread in a fixed order.
            int chunk = Math.max(64, (B + 63) / 64 * 64 / Math.max(1, io.mater.engine.Parallel.threads()));
            int pieces = (B + chunk - 1) / chunk;
            io.mater.engine.Parallel.range(A * pieces, 1, (from, to) -> {
                for (int pc = from; pc < to; pc++) {
                    int i = pc / pieces, c0 = (pc % pieces) * chunk;
                    Kernels.reduceCols(op, xd, xo + i * R * B + c0, R, Math.min(chunk, B - c0), B, y, i * B + c0);
                }
            });
        }
        return out;
    }

    private static boolean hasNonUnitKeptBetween(int[] shape, boolean[] red, int from, int to) {
        for (int i = from + 1; i < to; i++) if (!red[i] && shape[i] != 1) return true;
        return false;
    }

    @Override
    public Tensor argmax(Tensor a, int axis, boolean keepdim) {
        int[] shape = a.shape();
        int last = shape.length - 1;
        // move the axis to the end, keeping the order of the others (rows then come in the kept axes' order)
        int[] order = new int[shape.length];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) order[j++] = i;
        if (shape.length > 0) order[last] = axis;
        Tensor x = contiguous(axis == last ? a : a.detach().permute(order));
        int cols = shape.length == 0 ? 1 : shape[axis];
        int rows = cols == 0 ? 0 : x.numel() / cols;
        float[] xd = data(x);
        float[] idx = new float[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            float bv = xd[r * cols];
            for (int c = 1; c < cols; c++) {
                float v = xd[r * cols + c];
                if (v > bv || (Float.isNaN(v) && !Float.isNaN(bv))) {
                    bv = v;
                    best = c;
                }
            }
            idx[r] = best;
        }
        int[] kept = Shape.reduced(shape, new int[] {axis}, false);
        Tensor out = Tensor.of(idx, kept);
        return keepdim ? out.detach().unsqueeze(axis) : out;
    }

    // ------------------------------------------------------------------ linear algebra

    /** A matrix operand of GEMM: data, offset, transposed or not, leading dimension, and batch strides. */
    private record Operand(float[] data, int off, boolean trans, int ld, int[] batchStrides) {}

    private Operand operand(Tensor t, int[] batch) {
        int r = t.dim();
        int[] st = t.strides(), sh = t.shape();
        int rows = sh[r - 2], cols = sh[r - 1];
        int sr = st[r - 2], sc = st[r - 1];
        int[] bShape = java.util.Arrays.copyOf(sh, r - 2), bStr = java.util.Arrays.copyOf(st, r - 2);
        if (sc == 1 && (sr >= cols || rows == 1))
            return new Operand(data(t), t.offset(), false, Math.max(Math.max(sr, cols), 1), Shape.broadcastStrides(bShape, bStr, batch));
        if (sr == 1 && (sc >= rows || cols == 1))
            return new Operand(data(t), t.offset(), true, Math.max(Math.max(sc, rows), 1), Shape.broadcastStrides(bShape, bStr, batch));
        Tensor d = contiguous(t);
        int[] ds = d.strides();
        return new Operand(data(d), 0, false, Math.max(cols, 1), Shape.broadcastStrides(bShape, java.util.Arrays.copyOf(ds, r - 2), batch));
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, Tensor bias) {
        int ra = a.dim(), rb = b.dim();
        int[] as = a.shape(), bs = b.shape();
        int m = as[ra - 2], k = as[ra - 1], n = bs[rb - 1];
        int[] batch = Shape.broadcast(java.util.Arrays.copyOf(as, ra - 2), java.util.Arrays.copyOf(bs, rb - 2));
        int[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = newOutput(outShape); // every element: GEMMs with beta 0, or the bias rows first
        float[] c = data(out);
        int nb = (int) Shape.numel(batch);
        float beta = 0f;
        if (bias != null) {
            float[] bv = download(bias);
            for (int r = 0; r < nb * m; r++) System.arraycopy(bv, 0, c, r * n, n);
            beta = 1f;
        }
        if (nb == 0 || m == 0 || n == 0) return out;
        Operand A = operand(a, batch), B = operand(b, batch);
        // A 2-D right operand shared by a batch whose rows are evenly spaced: one GEMM over all rows.
        boolean bShared = true;
        for (int s : B.batchStrides) bShared &= s == 0;
        if (nb > 1 && bShared && !A.trans) {
            int[] sh = java.util.Arrays.copyOf(batch, batch.length + 1);
            sh[batch.length] = m;
            int[] st = java.util.Arrays.copyOf(A.batchStrides, batch.length + 1);
            st[batch.length] = A.ld;
            var l = Strided.coalesce(sh, st);
            if (l.rank() == 1 && l.strides()[0][0] == A.ld) {
                Gemm.sgemm(false, B.trans, nb * m, n, k, 1f, A.data, A.off, A.ld, B.data, B.off, B.ld, beta, c, 0, n);
                return out;
            }
        }
        int[] aOff = new int[nb], bOff = new int[nb];
        int[] idx = new int[batch.length];
        for (int i = 0; i < nb; i++) {
            int oa = A.off, ob = B.off;
            for (int d = 0; d < batch.length; d++) {
                oa += idx[d] * A.batchStrides[d];
                ob += idx[d] * B.batchStrides[d];
            }
            aOff[i] = oa;
            bOff[i] = ob;
            for (int d = batch.length - 1; d >= 0; d--) {
                if (++idx[d] < batch[d]) break;
                idx[d] = 0;
            }
        }
        final float bt = beta;
        long flopsPer = 2L * m * n * Math.max(k, 1);
        if (nb == 1 || flopsPer >= (1L << 22)) {
            for (int i = 0; i < nb; i++)
                Gemm.sgemm(A.trans, B.trans, m, n, k, 1f, A.data, aOff[i], A.ld, B.data, bOff[i], B.ld, bt, c, i * m * n, n);
        } else {
            int grain = (int) Math.max(1, (1L << 18) / flopsPer);
            io.mater.engine.Parallel.range(nb, grain, (from, to) -> {
                for (int i = from; i < to; i++)
                    Gemm.sgemmSerial(A.trans, B.trans, m, n, k, 1f, A.data, aOff[i], A.ld, B.data, bOff[i], B.ld, bt, c, i * m * n, n);
            });
        }
        return out;
    }

    // ------------------------------------------------------------------ fused rows

    private static int lastDim(Tensor t) {
        return t.dim() == 0 ? 1 : t.shape()[t.dim() - 1];
    }

    @Override
    public Tensor softmax(Tensor a, boolean log) {
        Tensor x = dense(a);
        Tensor out = newTensor(a.shape());
        int cols = lastDim(a), rows = cols == 0 ? 0 : a.numel() / cols;
        float[] xd = data(x), y = data(out);
        int xo = x.offset();
        io.mater.engine.Parallel.range(rows, Math.max(1, PIECE / Math.max(cols, 1)),
                (from, to) -> Kernels.softmax(xd, xo + from * cols, y, from * cols, to - from, cols, log));
        return out;
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor gy, boolean log) {
        Tensor yd = dense(y), gd = dense(gy);
        Tensor out = newTensor(y.shape());
        int cols = lastDim(y), rows = cols == 0 ? 0 : y.numel() / cols;
        float[] ya = data(yd), ga = data(gd), gx = data(out);
        int yo = yd.offset(), go = gd.offset();
        io.mater.engine.Parallel.range(rows, Math.max(1, PIECE / Math.max(cols, 1)),
                (from, to) -> Kernels.softmaxBackward(ya, yo + from * cols, ga, go + from * cols, gx, from * cols, to - from, cols, log));
        return out;
    }

    @Override
    public Tensor[] layerNorm(Tensor x, Tensor w, Tensor b, int cols, float eps) {
        Tensor xd = dense(x);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor y = newTensor(x.shape()), mean = newTensor(new int[] {rows}), rstd = newTensor(new int[] {rows});
        float[] xa = data(xd), ya = data(y), ma = data(mean), ra = data(rstd);
        float[] wa = w == null ? null : download(w), ba = b == null ? null : download(b);
        int xo = xd.offset();
        io.mater.engine.Parallel.range(rows, Math.max(1, PIECE / Math.max(cols, 1)),
                (from, to) -> Kernels.layerNorm(xa, xo, wa, ba, ya, 0, ma, ra, from, to - from, cols, eps));
        return new Tensor[] {y, mean, rstd};
    }

    @Override
    public Tensor[] layerNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor rstd, int cols) {
        Tensor gd = dense(gy), xd = dense(x);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor gx = newTensor(x.shape());
        float[] ga = data(gd), xa = data(xd), gxa = data(gx), ma = download(mean), ra = download(rstd);
        float[] wa = w == null ? null : download(w);
        int go = gd.offset(), xo = xd.offset();
        io.mater.engine.Parallel.range(rows, Math.max(1, PIECE / Math.max(cols, 1)),
                (from, to) -> Kernels.layerNormBackward(ga, go, xa, xo, wa, ma, ra, gxa, from, to - from, cols));
        if (w == null) return new Tensor[] {gx, null, null};
        Tensor gw = newTensor(new int[] {cols}), gb = newTensor(new int[] {cols});
        float[] gwa = data(gw), gba = data(gb);
        int chunk = 64, pieces = (cols + chunk - 1) / chunk;
        io.mater.engine.Parallel.range(pieces, 1, (from, to) -> {
            for (int pc = from; pc < to; pc++) {
                int c0 = pc * chunk;
                Kernels.layerNormParams(ga, go, xa, xo, ma, ra, gwa, gba, rows, cols, c0, Math.min(chunk, cols - c0));
            }
        });
        return new Tensor[] {gx, gw, gb};
    }

    @Override
    public Tensor dropout(Tensor x, float p, long seed) {
        Tensor xd = dense(x);
        Tensor out = newTensor(x.shape());
        float[] xa = data(xd), y = data(out);
        int xo = xd.offset();
        int[] keys = io.mater.engine.Rng.hashKeys(seed);
        int n = x.numel();
        int pieces = (n + PIECE - 1) / PIECE;
        io.mater.engine.Parallel.range(pieces, 1, (from, to) -> {
            for (int pc = from; pc < to; pc++) {
                int s = pc * PIECE, len = Math.min(PIECE, n - s);
                Kernels.dropout(xa, xo + s, y, s, len, p, keys[0], keys[1], s);
            }
        });
        return out;
    }

    @Override
    public Tensor[] crossEntropy(Tensor logits, Tensor labels, int ignoreIndex) {
        int n = logits.shape()[0], c = logits.shape()[1];
        Tensor logp = softmax(logits, true);
        float[] lp = data(logp), lab = download(labels), loss = new float[n];
        for (int i = 0; i < n; i++) {
            int l = (int) lab[i];
            loss[i] = l == ignoreIndex ? 0f : -lp[i * c + l];
        }
        return new Tensor[] {Tensor.of(loss, n), logp};
    }

    @Override
    public Tensor crossEntropyBackward(Tensor logSoftmax, Tensor labels, Tensor g, int ignoreIndex) {
        int n = logSoftmax.shape()[0], c = logSoftmax.shape()[1];
        float[] lp = download(logSoftmax), lab = download(labels), ga = download(g);
        float[] gx = new float[n * c];
        for (int i = 0; i < n; i++) {
            int l = (int) lab[i];
            if (l == ignoreIndex) continue;
            for (int j = 0; j < c; j++) gx[i * c + j] = ga[i] * ((float) Math.exp(lp[i * c + j]) - (j == l ? 1f : 0f));
        }
        return Tensor.of(gx, n, c);
    }

    // ------------------------------------------------------------------ gather and scatter

    @Override
    public Tensor indexSelect(Tensor a, int axis, Tensor index) {
        Tensor x = dense(a);
        int[] shape = a.shape();
        float[] idx = download(index);
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        int[] outShape = shape.clone();
        outShape[axis] = idx.length;
        Tensor out = newTensor(outShape);
        float[] xd = data(x), y = data(out);
        int xo = x.offset(), size = shape[axis];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < idx.length; j++)
                System.arraycopy(xd, xo + (o * size + (int) idx[j]) * inner, y, (o * idx.length + j) * inner, inner);
        return out;
    }

    @Override
    public Tensor indexAdd(int[] shape, int axis, Tensor index, Tensor g) {
        Tensor gd = dense(g);
        float[] idx = download(index);
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        Tensor out = newTensor(shape);
        float[] ga = data(gd), y = data(out);
        int go = gd.offset(), size = shape[axis];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < idx.length; j++) {
                int src = go + (o * idx.length + j) * inner, dst = (o * size + (int) idx[j]) * inner;
                for (int i = 0; i < inner; i++) y[dst + i] += ga[src + i];
            }
        return out;
    }

    @Override public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) { return ConvOps.conv2d(x, w, bias, spec); }
    @Override public Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] xShape, Conv2dSpec spec) { return ConvOps.conv2dBackwardInput(gy, w, xShape, spec); }
    @Override public Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] wShape, Conv2dSpec spec) { return ConvOps.conv2dBackwardWeight(gy, x, wShape, spec); }
    @Override public Tensor[] maxPool2d(Tensor x, Pool2dSpec spec) { return ConvOps.maxPool2d(x, spec); }
    @Override public Tensor maxPool2dBackward(Tensor gy, Tensor argmax, int[] xShape) { return ConvOps.maxPool2dBackward(gy, argmax, xShape); }
    @Override public Tensor avgPool2d(Tensor x, Pool2dSpec spec) { return ConvOps.avgPool2d(x, spec); }
    @Override public Tensor avgPool2dBackward(Tensor gy, int[] xShape, Pool2dSpec spec) { return ConvOps.avgPool2dBackward(gy, xShape, spec); }
    @Override public Tensor[] batchNorm(Tensor x, Tensor w, Tensor b, Tensor runningMean, Tensor runningVar, boolean training, float eps) { return ConvOps.batchNorm(x, w, b, runningMean, runningVar, training, eps); }
    @Override public Tensor[] batchNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor invstd, boolean training) { return ConvOps.batchNormBackward(gy, x, w, mean, invstd, training); }
    @Override public Tensor[] localResponseNorm(Tensor x, int size, float alpha, float beta, float k) { return ConvOps.localResponseNorm(x, size, alpha, beta, k); }
    @Override public Tensor localResponseNormBackward(Tensor gy, Tensor x, Tensor y, Tensor s, int size, float alpha, float beta) { return ConvOps.localResponseNormBackward(gy, x, y, s, size, alpha, beta); }

    // ------------------------------------------------------------------ attention

    /** A [B, H, T, D] view with unit last stride (a dense copy otherwise). */
    private AttentionKernels.Heads heads(Tensor t) {
        Tensor d = t.strides()[3] == 1 || t.shape()[3] == 1 ? t : contiguous(t);
        int[] st = d.strides();
        return new AttentionKernels.Heads(data(d), d.offset(), st[0], st[1], st[2]);
    }

    @Override
    public Tensor[] attention(Tensor q, Tensor k, Tensor v, Tensor mask, float scale, float dropoutP, long seed) {
        int[] qs = q.shape(), ks = k.shape(), vs = v.shape();
        int b = qs[0], h = qs[1], tq = qs[2], dk = qs[3], tk = ks[2], dv = vs[3];
        Tensor out = newTensor(new int[] {b, h, tq, dv}), probs = newTensor(new int[] {b, h, tq, tk});
        AttentionKernels.Mask m = null;
        if (mask != null) {
            int[] ms = Shape.broadcastStrides(mask.shape(), mask.strides(), new int[] {b, h, tq, tk});
            m = new AttentionKernels.Mask(data(mask), mask.offset(), ms[0], ms[1], ms[2], ms[3]);
        }
        int[] keys = io.mater.engine.Rng.hashKeys(seed);
        AttentionKernels.forward(heads(q), heads(k), heads(v), m, scale, b, h, tq, tk, dk, dv, data(out), data(probs), dropoutP, keys[0], keys[1]);
        return new Tensor[] {out, probs};
    }

    @Override
    public Tensor[] attentionBackward(Tensor gOut, Tensor q, Tensor k, Tensor v, Tensor probs, float scale, float dropoutP, long seed) {
        int[] qs = q.shape(), ks = k.shape(), vs = v.shape();
        int b = qs[0], h = qs[1], tq = qs[2], dk = qs[3], tk = ks[2], dv = vs[3];
        Tensor gq = newTensor(qs), gk = newTensor(ks), gv = newTensor(vs);
        float[] g = readOnly(gOut), p = readOnly(probs); // AttentionKernels.backward only reads them
        int[] keys = io.mater.engine.Rng.hashKeys(seed);
        AttentionKernels.backward(g, heads(q), heads(k), heads(v), p, scale, b, h, tq, tk, dk, dv, data(gq), data(gk), data(gv), dropoutP, keys[0], keys[1]);
        return new Tensor[] {gq, gk, gv};
    }

    // ------------------------------------------------------------------ optimiser

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, boolean decoupled, int step) {
        for (Tensor t : new Tensor[] {param, m, v})
            if (!t.isContiguous()) throw new IllegalArgumentException("adam: parameter and state tensors must be contiguous");
        Tensor g = dense(grad);
        var bias = AdamBias.of(lr, beta1, beta2, step);
        float stepSize = bias.stepSize(), bc2Sqrt = bias.bc2Sqrt();
        float[] pa = data(param), ga = data(g), ma = data(m), va = data(v);
        int po = param.offset(), go = g.offset(), mo = m.offset(), vo = v.offset();
        int n = param.numel();
        int pieces = (n + PIECE - 1) / PIECE;
        io.mater.engine.Parallel.range(pieces, 1, (from, to) -> {
            for (int pc = from; pc < to; pc++) {
                int s = pc * PIECE, len = Math.min(PIECE, n - s);
                Kernels.adam(pa, po + s, ga, go + s, ma, mo + s, va, vo + s, len, lr, beta1, beta2, eps, weightDecay, decoupled, stepSize, bc2Sqrt);
            }
        });
    }
}
