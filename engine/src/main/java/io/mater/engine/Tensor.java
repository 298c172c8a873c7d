package io.mater.engine;

import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional float32 tensor: a shape, strides and an offset into a {@link Storage}. Views (reshape,
 * permute, narrow, expand) share storage; ops return new tensors and, when an input requires grad, record
 * how to differentiate them ({@link #backward()}).
 *
 * <pre>{@code
 * var w = Tensor.randn(new Rng(0), 3, 2).requiresGrad(true);
 * var x = Tensor.of(new float[] {1, 2, 3}, 1, 3);
 * var loss = x.matmul(w).relu().sum();
 * loss.backward();            // w.grad() now holds d loss / d w
 * }</pre>
 */
public final class Tensor {
    final Storage storage;
    final int[] shape;
    final int[] strides;
    final int offset;

    private boolean requiresGrad;
    private boolean retainGrad;
    private Tensor grad;
    GradFn gradFn;

    Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /** A contiguous tensor over storage. */
    public static Tensor wrap(Storage storage, int... shape) {
        Shape.check(shape);
        if (Shape.numel(shape) > storage.floats())
            throw new IllegalArgumentException("storage of " + storage.floats() + " floats is too small for shape " + Shape.str(shape));
        return new Tensor(storage, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    /** A strided view over storage (for backends). */
    public static Tensor view(Storage storage, int[] shape, int[] strides, int offset) {
        return new Tensor(storage, shape.clone(), strides.clone(), offset);
    }

    // ------------------------------------------------------------------ creation (CPU)

    /** Wraps data (not copied) as a contiguous tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        Shape.check(shape);
        if (data.length != Shape.numel(shape))
            throw new IllegalArgumentException("data has " + data.length + " elements but shape " + Shape.str(shape) + " needs " + Shape.numel(shape));
        return new Tensor(new Storage.Heap(data), shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    /** A 1-D tensor holding a copy of values. */
    public static Tensor vector(float... values) {
        return of(values.clone(), values.length);
    }

    /** A 0-d tensor. */
    public static Tensor scalar(float value) {
        return of(new float[] {value});
    }

    public static Tensor zeros(int... shape) {
        Shape.check(shape);
        return of(new float[Shape.numelInt(shape)], shape);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        var t = zeros(shape);
        Arrays.fill(t.data(), value);
        return t;
    }

    /** 0, 1, ..., n-1. */
    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /** start, start+step, ... below end (above end for negative steps). */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0) throw new IllegalArgumentException("arange step must not be 0");
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = start + i * step;
        return of(d, n);
    }

    /** Uniform in [0, 1). */
    public static Tensor rand(Rng rng, int... shape) {
        var t = zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = rng.nextFloat();
        return t;
    }

    /** Standard normal. */
    public static Tensor randn(Rng rng, int... shape) {
        var t = zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return t;
    }

    /** Uniform in [lo, hi). */
    public static Tensor uniform(Rng rng, float lo, float hi, int... shape) {
        var t = zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.nextFloat();
        return t;
    }

    /** Zeros with this tensor's shape on its device. */
    public Tensor zerosLike() {
        return backend().zeros(shape);
    }

    public Tensor onesLike() {
        var t = backend().zeros(shape);
        backend().fill(t, 1f);
        return t;
    }

    // ------------------------------------------------------------------ inspection

    public int[] shape() {
        return shape.clone();
    }

    public int size(int axis) {
        return shape[Shape.axis(axis, shape.length)];
    }

    public int dim() {
        return shape.length;
    }

    public int numel() {
        return Shape.numelInt(shape);
    }

    public int[] strides() {
        return strides.clone();
    }

    public int offset() {
        return offset;
    }

    public Storage storage() {
        return storage;
    }

    public Device device() {
        return storage.device();
    }

    public Backend backend() {
        return Backends.of(storage.device());
    }

    public boolean isContiguous() {
        for (int d : shape) if (d == 0) return true;
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /**
     * The backing array of a CPU tensor (shared, not copied). Element (i, j, ...) is at
     * {@code offset() + i*strides()[0] + j*strides()[1] + ...}.
     */
    public float[] data() {
        if (storage instanceof Storage.Heap h) return h.data();
        throw new IllegalStateException("tensor " + Shape.str(shape) + " lives on " + device() + "; call toCpu() first");
    }

    /** The elements in row-major order, copied. */
    public float[] toArray() {
        return backend().download(this);
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (numel() != 1) throw new IllegalStateException("item() needs a one-element tensor, got shape " + Shape.str(shape));
        return toArray()[0];
    }

    /** One element by index. */
    public float get(int... index) {
        if (index.length != shape.length)
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length + " coordinates; tensor has rank " + shape.length);
        int pos = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i])
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " is out of bounds for shape " + Shape.str(shape));
            pos += index[i] * strides[i];
        }
        if (storage instanceof Storage.Heap h) return h.data()[pos];
        return narrowTo(index).toArray()[0];
    }

    private Tensor narrowTo(int[] index) {
        Tensor t = this;
        for (int i = 0; i < index.length; i++) t = t.narrow(i, index[i], 1);
        return t;
    }

    // ------------------------------------------------------------------ devices

    /** This tensor on device (itself when already there). The copy is differentiable. */
    public Tensor to(Device device) {
        return Views.to(this, device);
    }

    public Tensor toCpu() {
        return to(Device.CPU);
    }

    // ------------------------------------------------------------------ autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as requiring grad; returns this. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value)
            throw new IllegalStateException("cannot clear requiresGrad on a non-leaf tensor (produced by " + gradFn.op() + "); use detach()");
        requiresGrad = value;
        return this;
    }

    void setRequiresGradInternal() {
        requiresGrad = true;
    }

    /** Keeps the gradient of a non-leaf tensor in {@link #grad()} after backward. */
    public Tensor retainGrad() {
        retainGrad = true;
        return this;
    }

    boolean retainsGrad() {
        return retainGrad;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The op that produced this tensor, or null for a leaf. */
    public String gradFnName() {
        return gradFn == null ? null : gradFn.op();
    }

    /** Accumulated gradient, or null. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the gradient (null clears it, as zero_grad(set_to_none=True)). */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape))
            throw new IllegalArgumentException("gradient shape " + Shape.str(g.shape) + " does not match " + Shape.str(shape));
        grad = g;
    }

    /** Adds g to this tensor's grad; returns the grad. */
    Tensor accumulateGrad(Tensor g) {
        Tensor c = g.isContiguous() && g.offset == 0 && g.storage.floats() == g.numel() ? g : g.backend().contiguous(g);
        grad = grad == null ? c.detach() : grad.add(c).detach();
        return grad;
    }

    /** Back-propagates from a one-element tensor (d self / d self = 1). */
    public void backward() {
        if (numel() != 1)
            throw new IllegalStateException("backward() without a gradient needs a one-element tensor, got shape " + Shape.str(shape) + "; pass backward(gradient)");
        backward(onesLike());
    }

    /** Back-propagates gradient (same shape as this). */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient, false);
    }

    public void backward(Tensor gradient, boolean retainGraph) {
        Autograd.backward(this, gradient, retainGraph);
    }

    /** The same data, cut off from the graph. */
    public Tensor detach() {
        return new Tensor(storage, shape, strides, offset);
    }

    // ------------------------------------------------------------------ views and shape ops

    public Tensor reshape(int... newShape) {
        return Views.reshape(this, newShape);
    }

    /** Like reshape, but never copies: fails on a non-contiguous tensor whose layout does not allow it. */
    public Tensor view(int... newShape) {
        return Views.view(this, newShape);
    }

    public Tensor flatten() {
        return reshape(numel());
    }

    /** Flattens axes from..to (inclusive) into one. */
    public Tensor flatten(int from, int to) {
        return Views.flatten(this, from, to);
    }

    public Tensor permute(int... order) {
        return Views.permute(this, order);
    }

    public Tensor transpose(int a, int b) {
        return Views.transpose(this, a, b);
    }

    /** Swaps the last two axes. */
    public Tensor mT() {
        return transpose(-2, -1);
    }

    public Tensor contiguous() {
        return Views.contiguous(this);
    }

    public Tensor narrow(int axis, int start, int length) {
        return Views.narrow(this, axis, start, length);
    }

    /** Elements start, start+step, ... below end along axis (Python's a[start:end:step]). */
    public Tensor slice(int axis, int start, int end, int step) {
        return Views.slice(this, axis, start, end, step);
    }

    /** Drops axis, picking index along it. */
    public Tensor select(int axis, int index) {
        return Views.select(this, axis, index);
    }

    public Tensor indexSelect(int axis, int... index) {
        return Views.indexSelect(this, axis, index);
    }

    public Tensor squeeze(int axis) {
        return Views.squeeze(this, axis);
    }

    public Tensor unsqueeze(int axis) {
        return Views.unsqueeze(this, axis);
    }

    /** Broadcasts to newShape (stride 0 on expanded axes); -1 keeps a size. */
    public Tensor expand(int... newShape) {
        return Views.expand(this, newShape);
    }

    public Tensor broadcastTo(int... newShape) {
        return expand(newShape);
    }

    /** Gradient reduction: sums broadcast axes so the result has the given shape. */
    public Tensor sumTo(int... target) {
        return Reductions.sumTo(this, target);
    }

    public static Tensor cat(List<Tensor> tensors, int axis) {
        return Views.cat(tensors, axis);
    }

    public static Tensor stack(List<Tensor> tensors, int axis) {
        return Views.stack(tensors, axis);
    }

    // ------------------------------------------------------------------ elementwise

    public Tensor add(Tensor o) { return Elementwise.add(this, o); }
    public Tensor sub(Tensor o) { return Elementwise.sub(this, o); }
    public Tensor mul(Tensor o) { return Elementwise.mul(this, o); }
    public Tensor div(Tensor o) { return Elementwise.div(this, o); }
    public Tensor pow(Tensor o) { return Elementwise.pow(this, o); }
    public Tensor maximum(Tensor o) { return Elementwise.maximum(this, o); }
    public Tensor minimum(Tensor o) { return Elementwise.minimum(this, o); }
    public Tensor add(float s) { return Elementwise.affine(this, 1f, s); }
    public Tensor sub(float s) { return Elementwise.affine(this, 1f, -s); }
    public Tensor mul(float s) { return Elementwise.affine(this, s, 0f); }
    public Tensor div(float s) { return Elementwise.affine(this, 1f / s, 0f); }
    public Tensor pow(float p) { return Elementwise.pow(this, p); }
    public Tensor neg() { return Elementwise.neg(this); }
    public Tensor exp() { return Elementwise.exp(this); }
    public Tensor log() { return Elementwise.log(this); }
    public Tensor sqrt() { return Elementwise.sqrt(this); }
    public Tensor abs() { return Elementwise.abs(this); }
    public Tensor square() { return Elementwise.square(this); }
    public Tensor relu() { return Elementwise.relu(this); }
    public Tensor gelu() { return Elementwise.gelu(this); }
    public Tensor tanh() { return Elementwise.tanh(this); }
    public Tensor sigmoid() { return Elementwise.sigmoid(this); }
    public Tensor clamp(float lo, float hi) { return Elementwise.clamp(this, lo, hi); }
    /** 1 where this > s, else 0 (not differentiable). */
    public Tensor gt(float s) { return Elementwise.compare(UnaryOp.GT, this, s); }
    public Tensor lt(float s) { return Elementwise.compare(UnaryOp.LT, this, s); }
    public Tensor eq(float s) { return Elementwise.compare(UnaryOp.EQ, this, s); }
    public Tensor gt(Tensor o) { return Elementwise.compare(BinaryOp.GT, this, o); }
    public Tensor lt(Tensor o) { return Elementwise.compare(BinaryOp.LT, this, o); }
    public Tensor eq(Tensor o) { return Elementwise.compare(BinaryOp.EQ, this, o); }
    /** value where mask != 0, else this. */
    public Tensor maskedFill(Tensor mask, float value) { return Elementwise.maskedFill(this, mask, value); }
    /** cond != 0 ? a : b. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Elementwise.where(cond, a, b); }

    // ------------------------------------------------------------------ reductions

    public Tensor sum() { return Reductions.sum(this, new int[0], false); }
    public Tensor sum(int axis, boolean keepdim) { return Reductions.sum(this, new int[] {axis}, keepdim); }
    public Tensor sum(int[] axes, boolean keepdim) { return Reductions.sum(this, axes, keepdim); }
    public Tensor mean() { return Reductions.mean(this, new int[0], false); }
    public Tensor mean(int axis, boolean keepdim) { return Reductions.mean(this, new int[] {axis}, keepdim); }
    public Tensor mean(int[] axes, boolean keepdim) { return Reductions.mean(this, axes, keepdim); }
    /** Variance with Bessel's correction when unbiased (torch.var's default). */
    public Tensor var(int[] axes, boolean unbiased, boolean keepdim) { return Reductions.var(this, axes, unbiased ? 1 : 0, keepdim); }
    public Tensor max() { return Reductions.max(this, new int[0], false); }
    public Tensor max(int axis, boolean keepdim) { return Reductions.max(this, new int[] {axis}, keepdim); }
    public Tensor min(int axis, boolean keepdim) { return Reductions.min(this, new int[] {axis}, keepdim); }
    public Tensor argmax(int axis, boolean keepdim) { return Reductions.argmax(this, axis, keepdim); }
    public Tensor logsumexp(int[] axes, boolean keepdim) { return Reductions.logsumexp(this, axes, keepdim); }
    public Tensor logsumexp(int axis, boolean keepdim) { return Reductions.logsumexp(this, new int[] {axis}, keepdim); }

    // ------------------------------------------------------------------ linear algebra and rows

    public Tensor matmul(Tensor o) { return MatMul.matmul(this, o); }
    public Tensor softmax(int axis) { return Softmax.softmax(this, axis); }
    public Tensor logSoftmax(int axis) { return Softmax.logSoftmax(this, axis); }

    // ------------------------------------------------------------------ printing and comparison

    @Override
    public String toString() {
        var sb = new StringBuilder("Tensor").append(Shape.str(shape));
        if (!device().isCpu()) sb.append(" on ").append(device());
        if (gradFn != null) sb.append(" grad_fn=").append(gradFn.op());
        else if (requiresGrad) sb.append(" requires_grad");
        int n = numel();
        if (n <= 16) sb.append(' ').append(Arrays.toString(toArray()));
        return sb.toString();
    }

    /** True when shapes match and |a - b| <= atol + rtol * |b| everywhere. */
    public boolean allClose(Tensor other, float rtol, float atol) {
        if (!Arrays.equals(shape, other.shape)) return false;
        float[] a = toArray(), b = other.toArray();
        for (int i = 0; i < a.length; i++) {
            if (Float.isNaN(a[i]) != Float.isNaN(b[i])) return false;
            if (Math.abs(a[i] - b[i]) > atol + rtol * Math.abs(b[i])) return false;
        }
        return true;
    }
}
