package io.mater.engine.cpu;

import io.mater.engine.Conv2dSpec;

/**
 * Sizes of one 2-D convolution: x [n, c, h, w], weight [o, c/groups, kh, kw], y [n, o, oh, ow].
 * cg and og are the channels per group; k = cg*kh*kw is the reduction length of one output.
 */
record ConvGeometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, Conv2dSpec spec) {

    static ConvGeometry of(int[] xShape, int[] wShape, Conv2dSpec spec) {
        return new ConvGeometry(xShape[0], xShape[1], xShape[2], xShape[3], wShape[0], wShape[2], wShape[3],
                spec.outH(xShape[2], wShape[2]), spec.outW(xShape[3], wShape[3]), spec);
    }

    int groups() { return spec.groups(); }
    int cg() { return c / spec.groups(); }
    int og() { return o / spec.groups(); }
    int k() { return cg() * kh * kw; }
    int hw() { return h * w; }
    int ohw() { return oh * ow; }

    /** A 1x1 kernel with stride 1 and no padding: the input plane is already the column matrix. */
    boolean pointwise() {
        return kh == 1 && kw == 1 && spec.strideH() == 1 && spec.strideW() == 1 && spec.padH() == 0 && spec.padW() == 0;
    }

    int[] xShape() { return new int[] {n, c, h, w}; }
    int[] wShape() { return new int[] {o, cg(), kh, kw}; }
    int[] yShape() { return new int[] {n, o, oh, ow}; }
}
