package io.mater.engine;

import java.util.Arrays;

/** Reductions over one or more axes, each beside its backward. */
public final class Reductions {
    private Reductions() {}

    /** The gradient of a reduction, reshaped to keepdim form and broadcast back to the input's shape. */
    private static Tensor spread(Tensor g, int[] inShape, int[] axes, boolean keepdim) {
        Tensor gk = keepdim ? g : g.reshape(Shape.reduced(inShape, axes, true));
        return gk.expand(inShape);
    }

    private static int count(int[] shape, int[] axes) {
        int n = 1;
        for (int a : axes) n *= shape[a];
        return n;
    }

    // sum over axes.  da = g broadcast back
    public static Tensor sum(Tensor a, int[] axesIn, boolean keepdim) {
        int[] axes = Shape.axes(axesIn, a.dim());
        var out = a.backend().reduce(ReduceOp.SUM, a, axes, keepdim);
        return Autograd.record(out, "sum", g -> new Tensor[] {spread(g, a.shape, axes, keepdim)}, a);
    }

    // mean over axes.  da = g / n broadcast back
    public static Tensor mean(Tensor a, int[] axesIn, boolean keepdim) {
        int[] axes = Shape.axes(axesIn, a.dim());
        int n = count(a.shape, axes);
        return sum(a, axes, keepdim).mul(1f / Math.max(n, 1));
    }

    /** Variance (sum of squared deviations / (n - correction)); composed, so autograd follows. */
    public static Tensor var(Tensor a, int[] axesIn, int correction, boolean keepdim) {
        int[] axes = Shape.axes(axesIn, a.dim());
        int n = count(a.shape, axes);
        var d = a.sub(mean(a, axes, true));
        return sum(d.square(), axes, keepdim).mul(1f / Math.max(n - correction, 1));
    }

    // max over axes.  da = g split evenly among the maxima (amax semantics)
    public static Tensor max(Tensor a, int[] axesIn, boolean keepdim) {
        return extremum(ReduceOp.MAX, a, axesIn, keepdim);
    }

    public static Tensor min(Tensor a, int[] axesIn, boolean keepdim) {
        return extremum(ReduceOp.MIN, a, axesIn, keepdim);
    }

    private static Tensor extremum(ReduceOp op, Tensor a, int[] axesIn, boolean keepdim) {
        int[] axes = Shape.axes(axesIn, a.dim());
        var be = a.backend();
        var out = be.reduce(op, a, axes, keepdim);
        return Autograd.record(out, op.name().toLowerCase(), g -> {
            Tensor outK = keepdim ? out : out.reshape(Shape.reduced(a.shape, axes, true));
            Tensor mask = be.binary(BinaryOp.EQ, a, outK);
            Tensor cnt = be.reduce(ReduceOp.SUM, mask, axes, true);
            Tensor gk = keepdim ? g : g.reshape(Shape.reduced(a.shape, axes, true));
            return new Tensor[] {be.binary(BinaryOp.MUL, mask, be.binary(BinaryOp.DIV, gk, cnt))};
        }, a);
    }

    /** Index of the first maximum along axis, as float; not differentiable. */
    public static Tensor argmax(Tensor a, int axis, boolean keepdim) {
        return a.backend().argmax(a, Shape.axis(axis, a.dim()), keepdim);
    }

    /** log(sum(exp(a))) over axes, shifted by the (detached) max for stability; composed, so autograd follows. */
    public static Tensor logsumexp(Tensor a, int[] axesIn, boolean keepdim) {
        int[] axes = Shape.axes(axesIn, a.dim());
        Tensor m;
        try (var ignored = Autograd.noGrad()) {
            m = a.backend().reduce(ReduceOp.MAX, a, axes, true);
            var finite = a.backend().unary(UnaryOp.LT, a.backend().unary(UnaryOp.ABS, m, 0f, 0f), Float.POSITIVE_INFINITY, 0f);
            m = a.backend().where(finite, m, Elementwise.constant(a.backend(), 0f));
        }
        var s = sum(a.sub(m).exp(), axes, true).log().add(m);
        return keepdim ? s : s.reshape(Shape.reduced(a.shape, axes, false));
    }

    // sum_to: reduce a broadcast gradient back to target's shape.  da = g broadcast back
    public static Tensor sumTo(Tensor a, int[] target) {
        if (Arrays.equals(a.shape, target)) return a;
        int lead = a.dim() - target.length;
        if (lead < 0) throw new IllegalArgumentException("cannot sum " + Shape.str(a.shape) + " to larger rank " + Shape.str(target));
        int n = 0;
        int[] axes = new int[a.dim()];
        for (int i = 0; i < a.dim(); i++) {
            if (i < lead) axes[n++] = i;
            else if (target[i - lead] == 1 && a.shape[i] != 1) axes[n++] = i;
            else if (target[i - lead] != a.shape[i])
                throw new IllegalArgumentException("cannot sum " + Shape.str(a.shape) + " to " + Shape.str(target));
        }
        Tensor s = n == 0 ? a : sum(a, Arrays.copyOf(axes, n), true);
        return s.reshape(target);
    }
}
