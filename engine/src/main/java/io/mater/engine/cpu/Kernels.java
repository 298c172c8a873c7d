package io.mater.engine.cpu;

import io.mater.engine.BinaryOp;
import io.mater.engine.ReduceOp;
import io.mater.engine.Simd;
import io.mater.engine.UnaryOp;

/** Picks the Vector API kernel when {@link Simd#ENABLED}, else its scalar twin. */
final class Kernels {
    private Kernels() {}

    static final boolean VECTOR = Simd.ENABLED;

    static void unary(UnaryOp op, float[] x, int xo, int xs, float[] y, int yo, int n, float p, float q) {
        if (VECTOR) ElementwiseVector.unary(op, x, xo, xs, y, yo, n, p, q);
        else ElementwiseScalar.unary(op, x, xo, xs, y, yo, n, p, q);
    }

    static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] c, int co, int n) {
        if (VECTOR) ElementwiseVector.binary(op, a, ao, as, b, bo, bs, c, co, n);
        else ElementwiseScalar.binary(op, a, ao, as, b, bo, bs, c, co, n);
    }

    static void dropout(float[] x, int xo, float[] y, int yo, int n, float p, int key0, int key1, int index0) {
        if (VECTOR) ElementwiseVector.dropout(x, xo, y, yo, n, p, key0, key1, index0);
        else ElementwiseScalar.dropout(x, xo, y, yo, n, p, key0, key1, index0);
    }

    static void adam(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                     float lr, float beta1, float beta2, float eps, float wd, boolean decoupled, float stepSize, float bc2Sqrt) {
        if (VECTOR) ElementwiseVector.adam(p, po, g, go, m, mo, v, vo, n, lr, beta1, beta2, eps, wd, decoupled, stepSize, bc2Sqrt);
        else ElementwiseScalar.adam(p, po, g, go, m, mo, v, vo, n, lr, beta1, beta2, eps, wd, decoupled, stepSize, bc2Sqrt);
    }

    static void reduceRows(ReduceOp op, float[] x, int xo, int rows, int cols, float[] out, int oo) {
        if (VECTOR) ReduceVector.rows(op, x, xo, rows, cols, out, oo);
        else ReduceScalar.rows(op, x, xo, rows, cols, out, oo);
    }

    static void reduceCols(ReduceOp op, float[] x, int xo, int rows, int cols, int ld, float[] out, int oo) {
        if (VECTOR) ReduceVector.cols(op, x, xo, rows, cols, ld, out, oo);
        else ReduceScalar.cols(op, x, xo, rows, cols, ld, out, oo);
    }

    static void softmax(float[] x, int xo, float[] y, int yo, int rows, int cols, boolean log) {
        if (VECTOR) RowsVector.softmax(x, xo, y, yo, rows, cols, log);
        else RowsScalar.softmax(x, xo, y, yo, rows, cols, log);
    }

    static void softmaxBackward(float[] y, int yo, float[] gy, int go, float[] gx, int xo, int rows, int cols, boolean log) {
        if (VECTOR) RowsVector.softmaxBackward(y, yo, gy, go, gx, xo, rows, cols, log);
        else RowsScalar.softmaxBackward(y, yo, gy, go, gx, xo, rows, cols, log);
    }

    static void layerNorm(float[] x, int xo, float[] w, float[] b, float[] y, int yo, float[] mean, float[] rstd, int r0, int rows, int cols, float eps) {
        if (VECTOR) RowsVector.layerNorm(x, xo, w, b, y, yo, mean, rstd, r0, rows, cols, eps);
        else RowsScalar.layerNorm(x, xo, w, b, y, yo, mean, rstd, r0, rows, cols, eps);
    }

    static void layerNormBackward(float[] gy, int go, float[] x, int xo, float[] w, float[] mean, float[] rstd, float[] gx, int r0, int rows, int cols) {
        if (VECTOR) RowsVector.layerNormBackward(gy, go, x, xo, w, mean, rstd, gx, r0, rows, cols);
        else RowsScalar.layerNormBackward(gy, go, x, xo, w, mean, rstd, gx, r0, rows, cols);
    }

    static void layerNormParams(float[] gy, int go, float[] x, int xo, float[] mean, float[] rstd, float[] gw, float[] gb, int rows, int cols, int c0, int n) {
        if (VECTOR) RowsVector.layerNormParams(gy, go, x, xo, mean, rstd, gw, gb, rows, cols, c0, n);
        else RowsScalar.layerNormParams(gy, go, x, xo, mean, rstd, gw, gb, rows, cols, c0, n);
    }
}
