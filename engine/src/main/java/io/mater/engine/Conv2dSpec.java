package io.mater.engine;

/** Geometry of a 2-D convolution, as torch.nn.functional.conv2d takes it. */
public record Conv2dSpec(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
    public Conv2dSpec {
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("conv2d stride must be >= 1");
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("conv2d padding must be >= 0");
        if (dilationH < 1 || dilationW < 1) throw new IllegalArgumentException("conv2d dilation must be >= 1");
        if (groups < 1) throw new IllegalArgumentException("conv2d groups must be >= 1");
    }

    public static Conv2dSpec of(int stride, int padding) {
        return new Conv2dSpec(stride, stride, padding, padding, 1, 1, 1);
    }

    public int outH(int h, int kh) {
        return (h + 2 * padH - dilationH * (kh - 1) - 1) / strideH + 1;
    }

    public int outW(int w, int kw) {
        return (w + 2 * padW - dilationW * (kw - 1) - 1) / strideW + 1;
    }
}
