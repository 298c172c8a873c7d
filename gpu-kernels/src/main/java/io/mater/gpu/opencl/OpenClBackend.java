package io.mater.gpu.opencl;

import io.mater.engine.Backend;
import io.mater.engine.BinaryOp;
import io.mater.engine.Conv2dSpec;
import io.mater.engine.Device;
import io.mater.engine.MemoryScope;
import io.mater.engine.MemoryScopes;
import io.mater.engine.Pool2dSpec;
import io.mater.engine.ReduceOp;
import io.mater.engine.Rng;
import io.mater.engine.Shape;
import io.mater.engine.Tensor;
import io.mater.engine.UnaryOp;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jocl.cl_mem;

/**
 * The engine's {@link Backend} on one OpenCL device. Every op enqueues kernels on one in-order queue and
 * returns at once; tensors stay on the device until {@link #download}. Device memory is freed by
 * {@link ClMemory#close()}, by the {@link MemoryScope}s of {@link #memoryScope()}, or by {@link #close()};
 * {@link #memoryPeak()} reports the high-water mark.
 *
 * <p>Not on OpenCL: conv2d, pooling, batch norm and local response norm (they throw
 * {@link UnsupportedOperationException}; the VGG front ends run on the CPU).
 */
public final class OpenClBackend implements Backend, AutoCloseable {
    private static final int WG = 64;          // work-group size of the 1-D and row kernels (rows.cl's WG)
    private static final int MAXR = 8;         // elementwise.cl's MAXR
    private static final Map<Integer, OpenClBackend> OPEN = new ConcurrentHashMap<>();

    private final OpenCl cl;
    private final Device device;
    private final ClMemory dummy;
    private final AtomicLong inUse = new AtomicLong(), peak = new AtomicLong();
    private final Set<ClMemory.Buffer> live = ConcurrentHashMap.newKeySet();
    private final MemoryScopes scopes = new MemoryScopes();

    private OpenClBackend(OpenCl cl, int index) {
        this.cl = cl;
        this.device = new Device("opencl", index);
        this.dummy = alloc(1);
        live.remove(dummy.buffer());
        inUse.set(0);
        peak.set(0);
    }

    /** The backend of OpenCL device index (over all platforms), opened once per process. */
    public static OpenClBackend open(int index) {
        return OPEN.computeIfAbsent(index, i -> new OpenClBackend(OpenCl.open(i), i));
    }

    /** Whether some OpenCL device can be opened; the reason when not (for tests and the CLI). */
    public static String unavailableReason() {
        try {
            OpenCl.devices();
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    /** "device name (platform name)". */
    public String describe() {
        return cl.found.toString();
    }

    @Override
    public Device device() {
        return device;
    }

    // ------------------------------------------------------------------ memory and scopes

    private ClMemory alloc(long floats) {
        long bytes = Math.max(1, floats) * 4L;
        var m = new ClMemory(this, cl.alloc(bytes), floats);
        long now = inUse.addAndGet(bytes);
        peak.accumulateAndGet(now, Math::max);
        live.add(m.buffer());
        scopes.adopt(m);
        return m;
    }

    /** Called once per buffer, by close() or by the Cleaner. */
    void released(ClMemory.Buffer b) {
        if (live.remove(b)) inUse.addAndGet(-b.bytes);
        cl.release(b.mem);
    }

    private Tensor newTensor(int[] shape) {
        return Tensor.wrap(alloc(Shape.numel(shape)), shape);
    }

    private static cl_mem mem(Tensor t) {
        if (t.storage() instanceof ClMemory m) return m.mem();
        throw new IllegalArgumentException("tensor " + Shape.str(t.shape()) + " lives on " + t.device() + ", not on OpenCL; move it with to(device)");
    }

    private cl_mem memOrDummy(Tensor t) {
        return t == null ? dummy.mem() : mem(t);
    }

    @Override
    public MemoryScope memoryScope() {
        return scopes.open();
    }

    @Override
    public long memoryInUse() {
        return inUse.get();
    }

    @Override
    public long memoryPeak() {
        return peak.get();
    }

    /** Starts a new peak measurement from the memory in use now. */
    public void resetPeak() {
        peak.set(inUse.get());
    }

    /** Buffers allocated and not yet freed. */
    public int liveBuffers() {
        return live.size();
    }

    /** Waits until every enqueued kernel has run (for timing). */
    public void finish() {
        cl.finish();
    }

    /** Frees every buffer of this backend and the OpenCL context; the backend cannot be used afterwards. */
    @Override
    public void close() {
        for (var b : live.toArray(new ClMemory.Buffer[0])) b.run();
        dummy.close();
        cl.close();
        OPEN.remove(device.index());
    }

    // ------------------------------------------------------------------ helpers

    private static long[] groups1d(long n) {
        return new long[] {(n + WG - 1) / WG * WG};
    }

    private static final long[] LOCAL = {WG};

    /** t itself when it is contiguous from element 0, else a contiguous copy. */
    private Tensor dense(Tensor t) {
        return t.isContiguous() && t.offset() == 0 ? t : contiguous(t);
    }

    /** Elementwise.cl's Meta: the output shape and, for each operand, its strides broadcast to it and its offset. */
    private static int[] meta(int[] outShape, Tensor... ops) {
        int rank = outShape.length;
        if (rank > MAXR) throw new UnsupportedOperationException("OpenCL elementwise kernels support up to " + MAXR + " dims, got " + Shape.str(outShape));
        int[] m = new int[2 + MAXR + 3 * MAXR + 3];
        m[0] = Math.max(rank, 1);
        m[1] = Shape.numelInt(outShape);
        if (rank == 0) m[2] = 1;
        for (int d = 0; d < rank; d++) m[2 + d] = outShape[d];
        for (int k = 0; k < ops.length; k++) {
            Tensor t = ops[k];
            if (t == null) continue;
            int[] st = Shape.broadcastStrides(t.shape(), t.strides(), outShape);
            for (int d = 0; d < rank; d++) m[2 + MAXR + k * MAXR + d] = st[d];
            m[2 + MAXR + 3 * MAXR + k] = t.offset();
        }
        return m;
    }

    private static int[] contiguousView(int[] shape) {
        return Shape.contiguousStrides(shape);
    }

    // ------------------------------------------------------------------ memory ops

    @Override
    public Tensor zeros(int[] shape) {
        Shape.check(shape);
        var m = alloc(Shape.numel(shape));
        cl.zero(m.mem(), m.bytes());
        return Tensor.wrap(m, shape);
    }

    @Override
    public Tensor upload(Tensor cpu) {
        float[] d = cpu.toArray();
        var out = newTensor(cpu.shape());
        cl.write(mem(out), d);
        return out;
    }

    @Override
    public float[] download(Tensor t) {
        Tensor d = dense(t);
        return cl.read(mem(d), d.numel());
    }

    @Override
    public Tensor contiguous(Tensor t) {
        int[] shape = t.shape();
        var out = newTensor(shape);
        var dst = Tensor.view(out.storage(), shape, contiguousView(shape), 0);
        cl.launch("copy_strided", groups1d(out.numel()), LOCAL, meta(shape, t, dst), mem(t), mem(out), 0);
        return out;
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        cl.launch("copy_strided", groups1d(dst.numel()), LOCAL, meta(dst.shape(), src, dst), mem(src), mem(dst), 0);
    }

    @Override
    public void addInto(Tensor src, Tensor dst) {
        cl.launch("copy_strided", groups1d(dst.numel()), LOCAL, meta(dst.shape(), src, dst), mem(src), mem(dst), 1);
    }

    @Override
    public void fill(Tensor dst, float value) {
        cl.launch("fill_strided", groups1d(dst.numel()), LOCAL, meta(dst.shape(), dst), mem(dst), value);
    }

    // ------------------------------------------------------------------ elementwise

    @Override
    public Tensor unary(UnaryOp op, Tensor a, float p, float q) {
        var out = newTensor(a.shape());
        cl.launch("unary", groups1d(out.numel()), LOCAL, meta(a.shape(), a), mem(a), mem(out), op.ordinal(), p, q);
        return out;
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(a.shape(), b.shape());
        var out = newTensor(shape);
        cl.launch("binary", groups1d(out.numel()), LOCAL, meta(shape, a, b), mem(a), mem(b), mem(out), op.ordinal());
        return out;
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(Shape.broadcast(cond.shape(), a.shape()), b.shape());
        var out = newTensor(shape);
        cl.launch("where3", groups1d(out.numel()), LOCAL, meta(shape, cond, a, b), mem(cond), mem(a), mem(b), mem(out));
        return out;
    }

    @Override
    public Tensor dropout(Tensor x, float p, long seed) {
        Tensor xd = dense(x);
        var out = newTensor(x.shape());
        int[] keys = Rng.hashKeys(seed);
        cl.launch("dropout", groups1d(out.numel()), LOCAL, mem(xd), mem(out), out.numel(), p, keys[0], keys[1]);
        return out;
    }

    // ------------------------------------------------------------------ reductions

    /** a viewed with the kept axes first and the reduced ones last, made contiguous: [rows, cols]. */
    private Tensor moveLast(Tensor a, int[] axes) {
        return dense(a.detach().permute(Shape.reducedLast(a.dim(), axes)));
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor a, int[] axes, boolean keepdim) {
        int[] outShape = Shape.reduced(a.shape(), axes, keepdim);
        if (axes.length == 0) return Tensor.wrap(contiguous(a).storage(), outShape);
        Tensor x = moveLast(a, axes);
        int cols = 1;
        for (int ax : axes) cols *= a.shape()[ax];
        var out = newTensor(outShape);
        int rows = out.numel();
        cl.launch("reduce_rows", new long[] {(long) rows * WG}, LOCAL, mem(x), mem(out), cols, op.ordinal());
        return out;
    }

    @Override
    public Tensor argmax(Tensor a, int axis, boolean keepdim) {
        int[] shape = a.shape();
        int[] axes = shape.length == 0 ? new int[0] : new int[] {axis};
        Tensor x = shape.length == 0 ? dense(a) : moveLast(a, axes);
        int cols = shape.length == 0 ? 1 : shape[axis];
        var out = newTensor(Shape.reduced(shape, axes, keepdim));
        cl.launch("argmax_rows", new long[] {(long) out.numel() * WG}, LOCAL, mem(x), mem(out), cols);
        return out;
    }

    // ------------------------------------------------------------------ matmul

    @Override
    public Tensor matmul(Tensor a, Tensor b, Tensor bias) {
        int ra = a.dim(), rb = b.dim();
        int[] as = a.shape(), bs = b.shape(), ast = a.strides(), bst = b.strides();
        int m = as[ra - 2], k = as[ra - 1], n = bs[rb - 1];
        if (bs[rb - 2] != k) throw new IllegalArgumentException("matmul: " + Shape.str(as) + " @ " + Shape.str(bs) + ": inner sizes differ");
        int[] ba = Arrays.copyOf(as, ra - 2), bb = Arrays.copyOf(bs, rb - 2);
        int[] batchShape = Shape.broadcast(ba, bb);
        if (batchShape.length > 4) {
            // fold leading batch dims: materialise both operands broadcast to the full batch shape
            int[] fa = concat(batchShape, new int[] {m, k}), fb = concat(batchShape, new int[] {k, n});
            Tensor a2 = contiguous(Tensor.view(a.storage(), fa, Shape.broadcastStrides(as, ast, fa), a.offset()));
            Tensor b2 = contiguous(Tensor.view(b.storage(), fb, Shape.broadcastStrides(bs, bst, fb), b.offset()));
            int batch = Shape.numelInt(batchShape);
            Tensor c = matmul(Tensor.wrap(a2.storage(), batch, m, k), Tensor.wrap(b2.storage(), batch, k, n), bias);
            return Tensor.wrap(c.storage(), concat(batchShape, new int[] {m, n}));
        }
        int[] sa = Shape.broadcastStrides(ba, Arrays.copyOf(ast, ra - 2), batchShape);
        int[] sb = Shape.broadcastStrides(bb, Arrays.copyOf(bst, rb - 2), batchShape);
        var out = newTensor(concat(batchShape, new int[] {m, n}));
        Tensor bd = bias == null ? null : dense(bias);
        int[] g = new int[23];
        g[0] = m; g[1] = n; g[2] = k;
        g[3] = a.offset(); g[4] = ast[ra - 2]; g[5] = ast[ra - 1];
        g[6] = b.offset(); g[7] = bst[rb - 2]; g[8] = bst[rb - 1];
        g[9] = batchShape.length;
        for (int i = 0; i < batchShape.length; i++) {
            g[10 + i] = batchShape[i];
            g[14 + i] = sa[i];
            g[18 + i] = sb[i];
        }
        g[22] = bias == null ? 0 : 1;
        long batch = Shape.numel(batchShape);
        cl.launch("sgemm", new long[] {(n + 63) / 64 * 16L, (m + 63) / 64 * 16L, batch}, new long[] {16, 16, 1},
                g, mem(a), mem(b), memOrDummy(bd), mem(out));
        return out;
    }

    private static int[] concat(int[] x, int[] y) {
        int[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    // ------------------------------------------------------------------ rows

    private static int lastDim(Tensor t) {
        return t.dim() == 0 ? 1 : t.shape()[t.dim() - 1];
    }

    @Override
    public Tensor softmax(Tensor a, boolean log) {
        return softmax(a, 1f, null, log);
    }

    /**
     * softmax(scale a + mask) over the last axis in one kernel; a [B, H, Tq, Tk] when mask (broadcastable to
     * it) is given, any shape otherwise.
     */
    Tensor softmax(Tensor a, float scale, Tensor mask, boolean log) {
        Tensor x = dense(a);
        var out = newTensor(a.shape());
        int cols = lastDim(a), rows = cols == 0 ? 0 : a.numel() / cols;
        int[] args = {Float.floatToRawIntBits(scale), 0, 0, 1, 1, 0, 0, 0, 0};
        if (mask != null) {
            int[] s = a.shape();
            if (a.dim() != 4) throw new IllegalArgumentException("masked softmax: scores must be [B, H, Tq, Tk], got " + Shape.str(s));
            int[] ms = Shape.broadcastStrides(mask.shape(), mask.strides(), s);
            args = new int[] {Float.floatToRawIntBits(scale), 1, mask.offset(), s[1], s[2], ms[0], ms[1], ms[2], ms[3]};
        }
        cl.launch("softmax_rows", new long[] {(long) rows * WG}, LOCAL, args, mem(x), memOrDummy(mask), mem(out), cols, log ? 1 : 0);
        return out;
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor gy, boolean log) {
        Tensor yd = dense(y), gd = dense(gy);
        var out = newTensor(y.shape());
        int cols = lastDim(y), rows = cols == 0 ? 0 : y.numel() / cols;
        cl.launch("softmax_backward_rows", new long[] {(long) rows * WG}, LOCAL, mem(yd), mem(gd), mem(out), cols, log ? 1 : 0);
        return out;
    }

    @Override
    public Tensor[] layerNorm(Tensor x, Tensor w, Tensor b, int cols, float eps) {
        Tensor xd = dense(x), wd = w == null ? null : dense(w), bd = b == null ? null : dense(b);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor y = newTensor(x.shape()), mean = newTensor(new int[] {rows}), rstd = newTensor(new int[] {rows});
        cl.launch("layernorm_rows", new long[] {(long) rows * WG}, LOCAL, mem(xd), memOrDummy(wd), memOrDummy(bd), mem(y), mem(mean), mem(rstd),
                cols, eps, wd == null ? 0 : 1, bd == null ? 0 : 1);
        return new Tensor[] {y, mean, rstd};
    }

    @Override
    public Tensor[] layerNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor rstd, int cols) {
        Tensor gd = dense(gy), xd = dense(x), wd = w == null ? null : dense(w), md = dense(mean), rd = dense(rstd);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor gx = newTensor(x.shape());
        cl.launch("layernorm_backward_rows", new long[] {(long) rows * WG}, LOCAL, mem(gd), mem(xd), memOrDummy(wd), mem(md), mem(rd), mem(gx),
                cols, wd == null ? 0 : 1);
        if (w == null) return new Tensor[] {gx, null, null};
        Tensor gw = newTensor(new int[] {cols}), gb = newTensor(new int[] {cols});
        cl.launch("layernorm_params", groups1d(cols), LOCAL, mem(gd), mem(xd), mem(md), mem(rd), mem(gw), mem(gb), rows, cols);
        return new Tensor[] {gx, gw, gb};
    }

    @Override
    public Tensor[] crossEntropy(Tensor logits, Tensor labels, int ignoreIndex) {
        int n = logits.shape()[0], c = logits.shape()[1];
        Tensor logp = softmax(logits, true), lab = dense(labels);
        var loss = newTensor(new int[] {n});
        cl.launch("cross_entropy", groups1d(n), LOCAL, mem(logp), mem(lab), mem(loss), n, c, ignoreIndex);
        return new Tensor[] {loss, logp};
    }

    @Override
    public Tensor crossEntropyBackward(Tensor logSoftmax, Tensor labels, Tensor g, int ignoreIndex) {
        int n = logSoftmax.shape()[0], c = logSoftmax.shape()[1];
        Tensor lp = dense(logSoftmax), lab = dense(labels);
        int gStride = g.dim() == 0 ? 0 : g.strides()[0];
        var gx = newTensor(new int[] {n, c});
        cl.launch("cross_entropy_backward", groups1d((long) n * c), LOCAL, mem(lp), mem(lab), mem(g), g.offset(), gStride, mem(gx), n, c, ignoreIndex);
        return gx;
    }

    // ------------------------------------------------------------------ gather and scatter

    @Override
    public Tensor indexSelect(Tensor a, int axis, Tensor index) {
        Tensor x = dense(a), idx = dense(index);
        int[] shape = a.shape();
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        int[] outShape = shape.clone();
        outShape[axis] = index.numel();
        var out = newTensor(outShape);
        cl.launch("index_select", groups1d(out.numel()), LOCAL, mem(x), mem(idx), mem(out), outer, shape[axis], index.numel(), inner);
        return out;
    }

    @Override
    public Tensor indexAdd(int[] shape, int axis, Tensor index, Tensor g) {
        Tensor gd = dense(g), idx = dense(index);
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        var out = newTensor(shape);
        cl.launch("index_add", groups1d(out.numel()), LOCAL, mem(gd), mem(idx), mem(out), outer, shape[axis], index.numel(), inner);
        return out;
    }

    // ------------------------------------------------------------------ convolution and pooling: CPU only

    private UnsupportedOperationException cpuOnly(String op) {
        return new UnsupportedOperationException(op + " is not implemented on " + device + " (OpenCL runs the MATER Transformer;"
                + " run the VGG front ends with --device cpu)");
    }

    @Override public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) { throw cpuOnly("conv2d"); }
    @Override public Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] xShape, Conv2dSpec spec) { throw cpuOnly("conv2d backward"); }
    @Override public Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] wShape, Conv2dSpec spec) { throw cpuOnly("conv2d backward"); }
    @Override public Tensor[] maxPool2d(Tensor x, Pool2dSpec spec) { throw cpuOnly("max_pool2d"); }
    @Override public Tensor maxPool2dBackward(Tensor gy, Tensor argmax, int[] xShape) { throw cpuOnly("max_pool2d backward"); }
    @Override public Tensor avgPool2d(Tensor x, Pool2dSpec spec) { throw cpuOnly("avg_pool2d"); }
    @Override public Tensor avgPool2dBackward(Tensor gy, int[] xShape, Pool2dSpec spec) { throw cpuOnly("avg_pool2d backward"); }
    @Override public Tensor[] batchNorm(Tensor x, Tensor w, Tensor b, Tensor rm, Tensor rv, boolean training, float eps) { throw cpuOnly("batch_norm"); }
    @Override public Tensor[] batchNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor invstd, boolean training) { throw cpuOnly("batch_norm backward"); }
    @Override public Tensor[] localResponseNorm(Tensor x, int size, float alpha, float beta, float k) { throw cpuOnly("local_response_norm"); }
    @Override public Tensor localResponseNormBackward(Tensor gy, Tensor x, Tensor y, Tensor s, int size, float alpha, float beta) { throw cpuOnly("local_response_norm backward"); }

    // ------------------------------------------------------------------ attention

    /** Whether the fused kernels take these sizes (attention.cl's AT_TK and AT_D). */
    static boolean fused(int tk, int dk, int dv) {
        return tk <= 64 && dk <= 128 && dv <= 128;
    }

    private static int[] attnArgs(int heads, int tq, int tk, int dk, int dv, Tensor mask, int[] ms, float scale, float dropP, long seed) {
        int[] keys = Rng.hashKeys(seed);
        return new int[] {heads, tq, tk, dk, dv, mask == null ? 0 : 1, mask == null ? 0 : mask.offset(),
                ms[0], ms[1], ms[2], ms[3], Float.floatToRawIntBits(scale), Float.floatToRawIntBits(dropP), keys[0], keys[1]};
    }

    @Override
    public Tensor[] attention(Tensor q, Tensor k, Tensor v, Tensor mask, float scale, float dropoutP, long seed) {
        int[] qs = q.shape(), ks = k.shape(), vs = v.shape();
        int b = qs[0], h = qs[1], tq = qs[2], dk = qs[3], tk = ks[2], dv = vs[3];
        int[] full = {b, h, tq, tk};
        if (!fused(tk, dk, dv)) return attentionComposed(q, k, v, mask, scale, dropoutP, seed);
        Tensor qd = dense(q), kd = dense(k), vd = dense(v);
        int[] ms = mask == null ? new int[4] : Shape.broadcastStrides(mask.shape(), mask.strides(), full);
        Tensor out = newTensor(new int[] {b, h, tq, dv}), probs = newTensor(full);
        cl.launch("attention_forward", new long[] {(long) b * h * tq * 128}, new long[] {128},
                attnArgs(h, tq, tk, dk, dv, mask, ms, scale, dropoutP, seed), mem(qd), mem(kd), mem(vd), memOrDummy(mask), mem(out), mem(probs));
        return new Tensor[] {out, probs};
    }

    @Override
    public Tensor[] attentionBackward(Tensor gOut, Tensor q, Tensor k, Tensor v, Tensor probs, float scale, float dropoutP, long seed) {
        int[] qs = q.shape(), ks = k.shape(), vs = v.shape();
        int b = qs[0], h = qs[1], tq = qs[2], dk = qs[3], tk = ks[2], dv = vs[3];
        if (!fused(tk, dk, dv)) return attentionBackwardComposed(gOut, q, k, v, probs, scale, dropoutP, seed);
        Tensor gd = dense(gOut), qd = dense(q), kd = dense(k), vd = dense(v), pd = dense(probs);
        int[] args = attnArgs(h, tq, tk, dk, dv, null, new int[4], scale, dropoutP, seed);
        Tensor ds = newTensor(new int[] {b, h, tq, tk});
        Tensor gq = newTensor(qs), gk = newTensor(ks), gv = newTensor(vs);
        cl.launch("attention_backward_q", new long[] {(long) b * h * tq * 128}, new long[] {128}, args, mem(gd), mem(kd), mem(vd), mem(pd), mem(ds), mem(gq));
        cl.launch("attention_backward_kv", new long[] {(long) b * h * tk * 128}, new long[] {128}, args, mem(gd), mem(qd), mem(pd), mem(ds), mem(gk), mem(gv));
        ((ClMemory) ds.storage()).close();
        return new Tensor[] {gq, gk, gv};
    }

    // Longer sequences: the same math from SGEMM, row softmax and dropout kernels.
    private Tensor[] attentionComposed(Tensor q, Tensor k, Tensor v, Tensor mask, float scale, float dropoutP, long seed) {
        Tensor p = softmax(matmul(q, k.detach().transpose(-2, -1), null), scale, mask, false);
        Tensor d = dropoutP > 0f ? dropout(p, dropoutP, seed) : p;
        return new Tensor[] {matmul(d, v, null), p};
    }

    private Tensor[] attentionBackwardComposed(Tensor g, Tensor q, Tensor k, Tensor v, Tensor p, float scale, float dropoutP, long seed) {
        Tensor d = dropoutP > 0f ? dropout(p, dropoutP, seed) : p;
        Tensor gv = matmul(d.detach().transpose(-2, -1), g, null);
        Tensor dD = matmul(g, v.detach().transpose(-2, -1), null);
        Tensor dP = dropoutP > 0f ? dropout(dD, dropoutP, seed) : dD;
        Tensor dS = softmaxBackward(p, dP, false);
        Tensor gq = unary(UnaryOp.AFFINE, matmul(dS, k, null), scale, 0f);
        Tensor gk = unary(UnaryOp.AFFINE, matmul(dS.detach().transpose(-2, -1), q, null), scale, 0f);
        return new Tensor[] {gq, gk, gv};
    }

    // ------------------------------------------------------------------ optimiser

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, boolean decoupled, int step) {
        for (Tensor t : new Tensor[] {param, m, v})
            if (!t.isContiguous() || t.offset() != 0) throw new IllegalArgumentException("adam: parameter and state tensors must be contiguous from element 0");
        Tensor g = dense(grad);
        var bias = AdamBias.of(lr, beta1, beta2, step);
        float stepSize = bias.stepSize(), bc2Sqrt = bias.bc2Sqrt();
        int n = param.numel();
        cl.launch("adam", groups1d(n), LOCAL, mem(param), mem(g), mem(m), mem(v), n, lr, beta1, beta2, eps, weightDecay, decoupled ? 1 : 0,
                stepSize, bc2Sqrt);
    }
}
