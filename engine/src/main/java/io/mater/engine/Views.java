package io.mater.engine;

import java.util.Arrays;
import java.util.List;

/** Shape ops. Most are views that share storage; each sits beside its backward. */
final class Views {
    private Views() {}

    // reshape: a view when the layout allows it, else a contiguous copy. backward: reshape back.
    static Tensor reshape(Tensor a, int[] newShape) {
        int[] shape = inferShape(a, newShape);
        Tensor src = a.isContiguous() ? a : a.backend().contiguous(a);
        var out = new Tensor(src.storage, shape, Shape.contiguousStrides(shape), src.offset);
        int[] inShape = a.shape;
        return Autograd.record(out, "reshape", g -> new Tensor[] {g.reshape(inShape)}, a);
    }

    static Tensor view(Tensor a, int[] newShape) {
        if (!a.isContiguous())
            throw new IllegalStateException("view" + Arrays.toString(newShape) + " of a non-contiguous tensor " + Shape.str(a.shape) + "; use reshape() or contiguous() first");
        return reshape(a, newShape);
    }

    private static int[] inferShape(Tensor a, int[] newShape) {
        int[] shape = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape " + Arrays.toString(newShape) + ": only one -1 allowed");
                infer = i;
            } else if (shape[i] < 0) {
                throw new IllegalArgumentException("reshape " + Arrays.toString(newShape) + ": negative size");
            } else {
                known *= shape[i];
            }
        }
        long n = a.numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0)
                throw new IllegalArgumentException("cannot reshape " + Shape.str(a.shape) + " to " + Arrays.toString(newShape));
            shape[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException("cannot reshape " + Shape.str(a.shape) + " (" + n + " elements) to " + Arrays.toString(newShape));
        }
        return shape;
    }

    static Tensor flatten(Tensor a, int from, int to) {
        int r = a.dim();
        int f = Shape.axis(from, r), t = Shape.axis(to, r);
        if (f > t) throw new IllegalArgumentException("flatten(" + from + ", " + to + "): start after end");
        int[] s = new int[r - (t - f)];
        int j = 0;
        for (int i = 0; i < f; i++) s[j++] = a.shape[i];
        int m = 1;
        for (int i = f; i <= t; i++) m *= a.shape[i];
        s[j++] = m;
        for (int i = t + 1; i < r; i++) s[j++] = a.shape[i];
        return reshape(a, s);
    }

    // permute: a view with permuted strides. backward: the inverse permutation.
    static Tensor permute(Tensor a, int[] order) {
        int r = a.dim();
        if (order.length != r)
            throw new IllegalArgumentException("permute " + Arrays.toString(order) + " needs " + r + " axes for shape " + Shape.str(a.shape));
        int[] shape = new int[r], strides = new int[r], inverse = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            int ax = Shape.axis(order[i], r);
            if (seen[ax]) throw new IllegalArgumentException("permute " + Arrays.toString(order) + " repeats axis " + ax);
            seen[ax] = true;
            shape[i] = a.shape[ax];
            strides[i] = a.strides[ax];
            inverse[ax] = i;
        }
        var out = new Tensor(a.storage, shape, strides, a.offset);
        return Autograd.record(out, "permute", g -> new Tensor[] {g.permute(inverse)}, a);
    }

    static Tensor transpose(Tensor a, int x, int y) {
        int r = a.dim();
        int[] order = new int[r];
        for (int i = 0; i < r; i++) order[i] = i;
        int ax = Shape.axis(x, r), ay = Shape.axis(y, r);
        order[ax] = ay;
        order[ay] = ax;
        return permute(a, order);
    }

    // contiguous: a copy in row-major order (itself when already contiguous). backward: identity.
    static Tensor contiguous(Tensor a) {
        if (a.isContiguous()) return a;
        var out = a.backend().contiguous(a);
        return Autograd.record(out, "contiguous", g -> new Tensor[] {g}, a);
    }

    // narrow: a view of [start, start+length) along axis. backward: the gradient placed in zeros.
    static Tensor narrow(Tensor a, int axis, int start, int length) {
        int ax = Shape.axis(axis, a.dim());
        if (start < 0 || length < 0 || start + length > a.shape[ax])
            throw new IndexOutOfBoundsException("narrow(axis " + axis + ", start " + start + ", length " + length + ") out of range for shape " + Shape.str(a.shape));
        int[] shape = a.shape.clone();
        shape[ax] = length;
        var out = new Tensor(a.storage, shape, a.strides.clone(), a.offset + start * a.strides[ax]);
        return Autograd.record(out, "narrow", g -> new Tensor[] {scatterInto(a.shape, g, ax, start, 1)}, a);
    }

    static Tensor slice(Tensor a, int axis, int start, int end, int step) {
        int ax = Shape.axis(axis, a.dim());
        int n = a.shape[ax];
        if (step < 1) throw new IllegalArgumentException("slice step must be >= 1, got " + step);
        int s = Math.max(0, Math.min(n, start < 0 ? start + n : start));
        int e = Math.max(s, Math.min(n, end < 0 ? end + n : end));
        int len = (e - s + step - 1) / step;
        int[] shape = a.shape.clone(), strides = a.strides.clone();
        shape[ax] = len;
        strides[ax] *= step;
        var out = new Tensor(a.storage, shape, strides, a.offset + s * a.strides[ax]);
        return Autograd.record(out, "slice", g -> new Tensor[] {scatterInto(a.shape, g, ax, s, step)}, a);
    }

    /** zeros(shape) with g written at start, start+step, ... along axis. */
    private static Tensor scatterInto(int[] shape, Tensor g, int axis, int start, int step) {
        var z = g.backend().zeros(shape);
        int[] st = z.strides.clone();
        st[axis] *= step;
        var dst = new Tensor(z.storage, g.shape, st, start * z.strides[axis]);
        g.backend().copy(g, dst);
        return z;
    }

    static Tensor select(Tensor a, int axis, int index) {
        int ax = Shape.axis(axis, a.dim());
        int i = index < 0 ? index + a.shape[ax] : index;
        return squeeze(narrow(a, ax, i, 1), ax);
    }

    // index_select: gathered copy. backward: index_add of the gradient into zeros.
    static Tensor indexSelect(Tensor a, int axis, int[] index) {
        int ax = Shape.axis(axis, a.dim());
        float[] idx = new float[index.length];
        for (int i = 0; i < index.length; i++) {
            int v = index[i] < 0 ? index[i] + a.shape[ax] : index[i];
            if (v < 0 || v >= a.shape[ax])
                throw new IndexOutOfBoundsException("index " + index[i] + " out of range for axis " + axis + " of size " + a.shape[ax]);
            idx[i] = v;
        }
        var be = a.backend();
        Tensor idxT = be.upload(Tensor.of(idx, idx.length));
        var out = be.indexSelect(a, ax, idxT);
        return Autograd.record(out, "index_select", g -> new Tensor[] {g.backend().indexAdd(a.shape, ax, idxT, g)}, a);
    }

    static Tensor squeeze(Tensor a, int axis) {
        int ax = Shape.axis(axis, a.dim());
        if (a.shape[ax] != 1) return a;
        int[] shape = new int[a.dim() - 1], strides = new int[a.dim() - 1];
        for (int i = 0, j = 0; i < a.dim(); i++) {
            if (i == ax) continue;
            shape[j] = a.shape[i];
            strides[j++] = a.strides[i];
        }
        var out = new Tensor(a.storage, shape, strides, a.offset);
        int[] inShape = a.shape;
        return Autograd.record(out, "squeeze", g -> new Tensor[] {g.reshape(inShape)}, a);
    }

    static Tensor unsqueeze(Tensor a, int axis) {
        int r = a.dim() + 1;
        int ax = Shape.axis(axis, r);
        int[] shape = new int[r], strides = new int[r];
        for (int i = 0, j = 0; i < r; i++) {
            if (i == ax) {
                shape[i] = 1;
                strides[i] = j < a.dim() ? a.strides[j] * a.shape[j] : 1;
            } else {
                shape[i] = a.shape[j];
                strides[i] = a.strides[j++];
            }
        }
        var out = new Tensor(a.storage, shape, strides, a.offset);
        int[] inShape = a.shape;
        return Autograd.record(out, "unsqueeze", g -> new Tensor[] {g.reshape(inShape)}, a);
    }

    // expand: stride-0 broadcast view. backward: sum over the broadcast axes.
    static Tensor expand(Tensor a, int[] newShape) {
        int[] shape = newShape.clone();
        int off = shape.length - a.dim();
        if (off < 0) throw new IllegalArgumentException("cannot expand " + Shape.str(a.shape) + " to fewer dims " + Arrays.toString(newShape));
        for (int i = 0; i < shape.length; i++) if (shape[i] == -1) {
            if (i < off) throw new IllegalArgumentException("expand: -1 not allowed for a new leading axis");
            shape[i] = a.shape[i - off];
        }
        int[] strides = Shape.broadcastStrides(a.shape, a.strides, shape);
        var out = new Tensor(a.storage, shape, strides, a.offset);
        int[] inShape = a.shape;
        return Autograd.record(out, "expand", g -> new Tensor[] {g.sumTo(inShape)}, a);
    }

    // cat: copies into one tensor. backward: narrow the gradient back into pieces.
    static Tensor cat(List<Tensor> tensors, int axis) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("cat of an empty list");
        Tensor first = tensors.get(0);
        int ax = Shape.axis(axis, first.dim());
        int[] shape = first.shape.clone();
        int total = 0;
        for (int t = 0; t < tensors.size(); t++) {
            Tensor x = tensors.get(t);
            if (x.dim() != first.dim())
                throw new IllegalArgumentException("cat: tensor " + t + " has rank " + x.dim() + ", expected " + first.dim());
            for (int i = 0; i < shape.length; i++)
                if (i != ax && x.shape[i] != shape[i])
                    throw new IllegalArgumentException("cat along axis " + ax + ": tensor " + t + " has shape " + Shape.str(x.shape) + ", expected " + Shape.str(first.shape) + " except on that axis");
            total += x.shape[ax];
        }
        shape[ax] = total;
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        var be = Backends.common(inputs);
        var out = be.zeros(shape);
        int pos = 0;
        int[] starts = new int[inputs.length];
        for (int t = 0; t < inputs.length; t++) {
            starts[t] = pos;
            int[] s = out.shape.clone();
            s[ax] = inputs[t].shape[ax];
            be.copy(inputs[t], new Tensor(out.storage, s, out.strides, pos * out.strides[ax]));
            pos += inputs[t].shape[ax];
        }
        return Autograd.record(out, "cat", g -> {
            Tensor[] gs = new Tensor[inputs.length];
            for (int t = 0; t < inputs.length; t++) gs[t] = g.narrow(ax, starts[t], inputs[t].shape[ax]);
            return gs;
        }, inputs);
    }

    static Tensor stack(List<Tensor> tensors, int axis) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("stack of an empty list");
        int ax = Shape.axis(axis, tensors.get(0).dim() + 1);
        return cat(tensors.stream().map(t -> t.unsqueeze(ax)).toList(), ax);
    }

    // to(device): a copy on another device. backward: the gradient copied back.
    static Tensor to(Tensor a, Device device) {
        if (a.device().equals(device)) return a;
        Tensor out;
        if (device.isCpu()) out = Tensor.of(a.backend().download(a), a.shape);
        else out = Backends.of(device).upload(a.device().isCpu() ? a : Tensor.of(a.backend().download(a), a.shape));
        Device from = a.device();
        return Autograd.record(out, "to", g -> new Tensor[] {g.to(from)}, a);
    }
}
