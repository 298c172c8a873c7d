package io.mater.engine.cpu;

import io.mater.engine.Pool2dSpec;

/**
 * Reference pooling over one plane x [h, w] at xo to y [oh, ow] at yo, with PyTorch's window rules: a
 * window starts at (oy*sh - ph, ox*sw - pw); max pooling scans its cells inside the input row by row and
 * keeps the first maximum (a NaN wins, the last NaN of the scan); average pooling divides by the window's
 * size clipped to the padded input (h + ph, w + pw), so padded cells count (count_include_pad=True) but
 * cells that a ceil_mode window has beyond the padding do not.
 */
public final class PoolScalar {
    private PoolScalar() {}

    // x [h, w] -> y [oh, ow], argmax [oh, ow] = flat index iy*w + ix of the max, as float
    static void maxPool(float[] x, int xo, int h, int w, Pool2dSpec s, float[] y, float[] arg, int yo, int oh, int ow) {
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) maxCell(x, xo, h, w, s, y, arg, yo, ow, oy, ox);
    }

    /** Output cell (oy, ox) of max pooling. */
    static void maxCell(float[] x, int xo, int h, int w, Pool2dSpec s, float[] y, float[] arg, int yo, int ow, int oy, int ox) {
        int hs = oy * s.strideH() - s.padH(), he = Math.min(hs + s.kernelH(), h);
        int ws = ox * s.strideW() - s.padW(), we = Math.min(ws + s.kernelW(), w);
        hs = Math.max(hs, 0);
        ws = Math.max(ws, 0);
        float best = Float.NEGATIVE_INFINITY;
        int bestAt = hs * w + ws;
        for (int iy = hs; iy < he; iy++)
            for (int ix = ws; ix < we; ix++) {
                float v = x[xo + iy * w + ix];
                if (v > best || Float.isNaN(v)) {
                    best = v;
                    bestAt = iy * w + ix;
                }
            }
        y[yo + oy * ow + ox] = best;
        arg[yo + oy * ow + ox] = bestAt;
    }

    // gy [oh, ow], argmax [oh, ow] -> gx [h, w] at xo, added
    static void maxPoolBackward(float[] gy, float[] arg, int yo, int ohw, float[] gx, int xo) {
        for (int p = 0; p < ohw; p++) gx[xo + (int) arg[yo + p]] += gy[yo + p];
    }

    /** The divisor of the window starting at start (PyTorch: window clipped to the padded input). */
    static int windowSize(int start, int k, int in, int pad) {
        return Math.min(start + k, in + pad) - start;
    }

    // x [h, w] -> y [oh, ow]
    static void avgPool(float[] x, int xo, int h, int w, Pool2dSpec s, float[] y, int yo, int oh, int ow) {
        for (int oy = 0; oy < oh; oy++) {
            int hs = oy * s.strideH() - s.padH();
            int dh = windowSize(hs, s.kernelH(), h, s.padH()), he = Math.min(hs + s.kernelH(), h);
            hs = Math.max(hs, 0);
            for (int ox = 0; ox < ow; ox++) {
                int ws = ox * s.strideW() - s.padW();
                int dw = windowSize(ws, s.kernelW(), w, s.padW()), we = Math.min(ws + s.kernelW(), w);
                ws = Math.max(ws, 0);
                double sum = 0;
                for (int iy = hs; iy < he; iy++)
                    for (int ix = ws; ix < we; ix++) sum += x[xo + iy * w + ix];
                y[yo + oy * ow + ox] = (float) (sum / (dh * dw));
            }
        }
    }

    // gy [oh, ow] -> gx [h, w] at xo, added: every cell of a window gets gy / divisor
    static void avgPoolBackward(float[] gy, int yo, int oh, int ow, Pool2dSpec s, float[] gx, int xo, int h, int w) {
        for (int oy = 0; oy < oh; oy++) {
            int hs = oy * s.strideH() - s.padH();
            int dh = windowSize(hs, s.kernelH(), h, s.padH()), he = Math.min(hs + s.kernelH(), h);
            hs = Math.max(hs, 0);
            for (int ox = 0; ox < ow; ox++) {
                int ws = ox * s.strideW() - s.padW();
                int dw = windowSize(ws, s.kernelW(), w, s.padW()), we = Math.min(ws + s.kernelW(), w);
                ws = Math.max(ws, 0);
                float g = gy[yo + oy * ow + ox] / (dh * dw);
                for (int iy = hs; iy < he; iy++)
                    for (int ix = ws; ix < we; ix++) gx[xo + iy * w + ix] += g;
            }
        }
    }
}
