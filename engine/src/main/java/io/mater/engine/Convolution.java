package io.mater.engine;

/** 2-D convolution (NCHW) beside its backward. */
public final class Convolution {
    private Convolution() {}

    // y = conv2d(x, w) + b.  dx = conv_transpose(g, w), dw = correlate(x, g), db = sum of g over N, H, W
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
        if (x.dim() != 4) throw new IllegalArgumentException("conv2d needs input [N, C, H, W], got " + Shape.str(x.shape));
        if (w.dim() != 4) throw new IllegalArgumentException("conv2d needs weight [O, C/groups, kh, kw], got " + Shape.str(w.shape));
        int c = x.shape[1], o = w.shape[0], groups = spec.groups();
        if (c % groups != 0 || o % groups != 0 || w.shape[1] * groups != c)
            throw new IllegalArgumentException("conv2d: input " + Shape.str(x.shape) + " and weight " + Shape.str(w.shape) + " do not fit groups=" + groups
                    + " (expected weight [O, " + (c / Math.max(groups, 1)) + ", kh, kw] with O divisible by groups)");
        if (bias != null && (bias.dim() != 1 || bias.shape[0] != o))
            throw new IllegalArgumentException("conv2d bias must be [" + o + "], got " + Shape.str(bias.shape));
        int oh = spec.outH(x.shape[2], w.shape[2]), ow = spec.outW(x.shape[3], w.shape[3]);
        if (oh < 1 || ow < 1)
            throw new IllegalArgumentException("conv2d: input " + Shape.str(x.shape) + " is too small for kernel " + w.shape[2] + "x" + w.shape[3] + " with " + spec);
        var be = Backends.common(x, w, bias);
        var out = be.conv2d(x, w, bias, spec);
        return Autograd.record(out, "conv2d", g -> new Tensor[] {
                x.requiresGrad() ? be.conv2dBackwardInput(g, w, x.shape, spec) : null,
                w.requiresGrad() ? be.conv2dBackwardWeight(g, x, w.shape, spec) : null,
                bias != null && bias.requiresGrad() ? be.reduce(ReduceOp.SUM, g, new int[] {0, 2, 3}, false) : null}, x, w, bias);
    }

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return conv2d(x, w, bias, Conv2dSpec.of(stride, padding));
    }
}
