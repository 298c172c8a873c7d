package io.mater.engine;

/** softmax and log_softmax along an axis (fused row kernels), each beside its backward. */
public final class Softmax {
    private Softmax() {}

    public static Tensor softmax(Tensor a, int axis) {
        return rows(a, axis, false);
    }

    public static Tensor logSoftmax(Tensor a, int axis) {
        return rows(a, axis, true);
    }

    // y = softmax(a).  da = y (g - sum(g y));  log: da = g - softmax(a) sum(g)
    private static Tensor rows(Tensor a, int axis, boolean log) {
        if (a.dim() == 0) a = a.reshape(1);
        int ax = Shape.axis(axis, a.dim());
        int last = a.dim() - 1;
        var be = a.backend();
        final Tensor in = a;
        Tensor moved = ax == last ? a.detach() : a.detach().transpose(ax, last);
        Tensor y = be.softmax(moved, log);
        Tensor out = ax == last ? y : y.detach().transpose(ax, last);
        return Autograd.record(out, log ? "log_softmax" : "softmax", g -> {
            Tensor gm = ax == last ? g : g.transpose(ax, last);
            Tensor gx = be.softmaxBackward(y, gm, log);
            return new Tensor[] {ax == last ? gx : gx.transpose(ax, last).contiguous()};
        }, in);
    }
}
