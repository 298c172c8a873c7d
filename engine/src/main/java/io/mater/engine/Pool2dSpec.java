package io.mater.engine;

/** Geometry of a 2-D pooling window, with PyTorch's output-size rule (ceil_mode included). */
public record Pool2dSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, boolean ceilMode) {
    public Pool2dSpec {
        if (kernelH < 1 || kernelW < 1) throw new IllegalArgumentException("pool kernel must be >= 1");
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("pool stride must be >= 1");
        if (padH < 0 || padW < 0 || 2 * padH > kernelH || 2 * padW > kernelW)
            throw new IllegalArgumentException("pool padding must be >= 0 and at most half the kernel, got "
                    + padH + "x" + padW + " for kernel " + kernelH + "x" + kernelW);
    }

    public static Pool2dSpec of(int kernel, int stride) {
        return new Pool2dSpec(kernel, kernel, stride, stride, 0, 0, false);
    }

    public int outH(int h) {
        return outSize(h, kernelH, strideH, padH);
    }

    public int outW(int w) {
        return outSize(w, kernelW, strideW, padW);
    }

    private int outSize(int in, int k, int s, int p) {
        int span = in + 2 * p - k;
        int out = (ceilMode ? Math.ceilDiv(span, s) : Math.floorDiv(span, s)) + 1;
        // PyTorch: the last window must start inside the input or the left padding.
        if (ceilMode && (out - 1) * s >= in + p) out--;
        return out;
    }
}
