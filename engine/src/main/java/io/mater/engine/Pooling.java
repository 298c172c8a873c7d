package io.mater.engine;

/** 2-D pooling (NCHW) beside its backward. */
public final class Pooling {
    private Pooling() {}

    private static void check(String op, Tensor x, Pool2dSpec spec) {
        if (x.dim() != 4) throw new IllegalArgumentException(op + " needs input [N, C, H, W], got " + Shape.str(x.shape));
        if (spec.outH(x.shape[2]) < 1 || spec.outW(x.shape[3]) < 1)
            throw new IllegalArgumentException(op + ": input " + Shape.str(x.shape) + " is smaller than the window " + spec);
    }

    // y = max over each window.  dx: g routed to the argmax of each window
    public static Tensor maxPool2d(Tensor x, Pool2dSpec spec) {
        check("max_pool2d", x, spec);
        var be = x.backend();
        Tensor[] r = be.maxPool2d(x, spec);
        Tensor y = r[0], argmax = r[1];
        return Autograd.record(y, "max_pool2d", g -> new Tensor[] {be.maxPool2dBackward(g, argmax, x.shape)}, x);
    }

    public static Tensor maxPool2d(Tensor x, int kernel, int stride) {
        return maxPool2d(x, Pool2dSpec.of(kernel, stride));
    }

    // y = mean over each window (padding counted).  dx: g / window size spread over each window
    public static Tensor avgPool2d(Tensor x, Pool2dSpec spec) {
        check("avg_pool2d", x, spec);
        var be = x.backend();
        var y = be.avgPool2d(x, spec);
        return Autograd.record(y, "avg_pool2d", g -> new Tensor[] {be.avgPool2dBackward(g, x.shape, spec)}, x);
    }

    /** Global average pooling: [N, C, H, W] to [N, C] (adaptive_avg_pool2d to 1x1, flattened). */
    public static Tensor globalAvgPool2d(Tensor x) {
        if (x.dim() != 4) throw new IllegalArgumentException("global_avg_pool2d needs input [N, C, H, W], got " + Shape.str(x.shape));
        return x.mean(new int[] {2, 3}, false);
    }
}
