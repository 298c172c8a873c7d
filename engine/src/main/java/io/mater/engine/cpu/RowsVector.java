package io.mater.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API twins of {@link RowsScalar}. */
public final class RowsVector {
    private RowsVector() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    private static float sum(float[] a, int o, int n) {
        return ReduceVector.row(io.mater.engine.ReduceOp.SUM, a, o, n);
    }

    public static void softmax(float[] x, int xo, float[] y, int yo, int rows, int cols, boolean log) {
        int upper = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int xb = xo + r * cols, yb = yo + r * cols;
            var mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            int c = 0;
            for (; c < upper; c += L) mv = mv.max(FloatVector.fromArray(F, x, xb + c));
            float m = mv.reduceLanes(VectorOperators.MAX);
            for (; c < cols; c++) m = Math.max(m, x[xb + c]);
            // e = exp(x - m) into y, summed on the way
            var sv = FloatVector.zero(F);
            c = 0;
            for (; c < upper; c += L) {
                var e = VecMath.exp(FloatVector.fromArray(F, x, xb + c).sub(m));
                sv = sv.add(e);
                if (!log) e.intoArray(y, yb + c);
            }
            float s = VecMath.sum(sv);
            for (; c < cols; c++) {
                float e = (float) Math.exp(x[xb + c] - m);
                s += e;
                if (!log) y[yb + c] = e;
            }
            c = 0;
            if (log) {
                float lse = m + (float) Math.log(s);
                for (; c < upper; c += L) FloatVector.fromArray(F, x, xb + c).sub(lse).intoArray(y, yb + c);
                for (; c < cols; c++) y[yb + c] = x[xb + c] - lse;
            } else {
                float inv = 1f / s;
                for (; c < upper; c += L) FloatVector.fromArray(F, y, yb + c).mul(inv).intoArray(y, yb + c);
                for (; c < cols; c++) y[yb + c] *= inv;
            }
        }
    }

    public static void softmaxBackward(float[] y, int yo, float[] gy, int go, float[] gx, int xo, int rows, int cols, boolean log) {
        int upper = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int yb = yo + r * cols, gb = go + r * cols, xb = xo + r * cols;
            float s;
            int c = 0;
            if (log) {
                s = sum(gy, gb, cols);
                for (; c < upper; c += L) {
                    var e = VecMath.exp(FloatVector.fromArray(F, y, yb + c));
                    FloatVector.fromArray(F, gy, gb + c).sub(e.mul(s)).intoArray(gx, xb + c);
                }
                for (; c < cols; c++) gx[xb + c] = gy[gb + c] - (float) Math.exp(y[yb + c]) * s;
            } else {
                var acc = FloatVector.zero(F);
                for (; c < upper; c += L) acc = FloatVector.fromArray(F, gy, gb + c).fma(FloatVector.fromArray(F, y, yb + c), acc);
                s = VecMath.sum(acc);
                for (; c < cols; c++) s += gy[gb + c] * y[yb + c];
                c = 0;
                for (; c < upper; c += L) {
                    var yv = FloatVector.fromArray(F, y, yb + c);
                    yv.mul(FloatVector.fromArray(F, gy, gb + c).sub(s)).intoArray(gx, xb + c);
                }
                for (; c < cols; c++) gx[xb + c] = y[yb + c] * (gy[gb + c] - s);
            }
        }
    }

    public static void layerNorm(float[] x, int xo, float[] w, float[] b, float[] y, int yo, float[] mean, float[] rstd, int r0,
                                 int rows, int cols, float eps) {
        int upper = F.loopBound(cols);
        for (int r = r0; r < r0 + rows; r++) {
            int xb = xo + r * cols, yb = yo + r * cols;
            float mu = sum(x, xb, cols) / cols;
            var vv = FloatVector.zero(F);
            int c = 0;
            for (; c < upper; c += L) {
                var d = FloatVector.fromArray(F, x, xb + c).sub(mu);
                vv = d.fma(d, vv);
            }
            float v = VecMath.sum(vv);
            for (; c < cols; c++) {
                float d = x[xb + c] - mu;
                v += d * d;
            }
            float rs = (float) (1.0 / Math.sqrt(v / cols + eps));
            mean[r] = mu;
            rstd[r] = rs;
            c = 0;
            for (; c < upper; c += L) {
                var xh = FloatVector.fromArray(F, x, xb + c).sub(mu).mul(rs);
                if (w != null) {
                    xh = xh.mul(FloatVector.fromArray(F, w, c));
                    if (b != null) xh = xh.add(FloatVector.fromArray(F, b, c));
                }
                xh.intoArray(y, yb + c);
            }
            for (; c < cols; c++) {
                float xh = (x[xb + c] - mu) * rs;
                y[yb + c] = w == null ? xh : xh * w[c] + (b == null ? 0f : b[c]);
            }
        }
    }

    public static void layerNormBackward(float[] gy, int go, float[] x, int xo, float[] w, float[] mean, float[] rstd,
                                         float[] gx, int r0, int rows, int cols) {
        int upper = F.loopBound(cols);
        for (int r = r0; r < r0 + rows; r++) {
            int gb = go + r * cols, xb = xo + r * cols, ob = xb - xo;
            float mu = mean[r], rs = rstd[r];
            var s1v = FloatVector.zero(F);
            var s2v = FloatVector.zero(F);
            int c = 0;
            for (; c < upper; c += L) {
                var gxh = FloatVector.fromArray(F, gy, gb + c);
                if (w != null) gxh = gxh.mul(FloatVector.fromArray(F, w, c));
                var xh = FloatVector.fromArray(F, x, xb + c).sub(mu).mul(rs);
                s1v = s1v.add(gxh);
                s2v = gxh.fma(xh, s2v);
            }
            float s1 = VecMath.sum(s1v), s2 = VecMath.sum(s2v);
            for (; c < cols; c++) {
                float gxh = w == null ? gy[gb + c] : gy[gb + c] * w[c];
                float xh = (x[xb + c] - mu) * rs;
                s1 += gxh;
                s2 += gxh * xh;
            }
            float m1 = s1 / cols, m2 = s2 / cols;
            c = 0;
            for (; c < upper; c += L) {
                var gxh = FloatVector.fromArray(F, gy, gb + c);
                if (w != null) gxh = gxh.mul(FloatVector.fromArray(F, w, c));
                var xh = FloatVector.fromArray(F, x, xb + c).sub(mu).mul(rs);
                gxh.sub(m1).sub(xh.mul(m2)).mul(rs).intoArray(gx, ob + c);
            }
            for (; c < cols; c++) {
                float gxh = w == null ? gy[gb + c] : gy[gb + c] * w[c];
                float xh = (x[xb + c] - mu) * rs;
                gx[ob + c] = rs * (gxh - m1 - xh * m2);
            }
        }
    }

    public static void layerNormParams(float[] gy, int go, float[] x, int xo, float[] mean, float[] rstd, float[] gw, float[] gb,
                                       int rows, int cols, int c0, int n) {
        java.util.Arrays.fill(gw, c0, c0 + n, 0f);
        java.util.Arrays.fill(gb, c0, c0 + n, 0f);
        int end = c0 + n;
        int upper = c0 + F.loopBound(n);
        for (int r = 0; r < rows; r++) {
            int gbase = go + r * cols, xbase = xo + r * cols;
            float mu = mean[r], rs = rstd[r];
            int c = c0;
            for (; c < upper; c += L) {
                var g = FloatVector.fromArray(F, gy, gbase + c);
                var xh = FloatVector.fromArray(F, x, xbase + c).sub(mu).mul(rs);
                g.fma(xh, FloatVector.fromArray(F, gw, c)).intoArray(gw, c);
                g.add(FloatVector.fromArray(F, gb, c)).intoArray(gb, c);
            }
            for (; c < end; c++) {
                float g = gy[gbase + c];
                gw[c] += g * ((x[xbase + c] - mu) * rs);
                gb[c] += g;
            }
        }
    }
}
