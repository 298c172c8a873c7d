package io.mater.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mater.engine.BinaryOp;
import io.mater.engine.ReduceOp;
import io.mater.engine.Rng;
import io.mater.engine.Simd;
import io.mater.engine.UnaryOp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every Vector API kernel against its scalar twin, on sizes that are not multiples of the vector width. */
class KernelTwinTest {
    static final int[] SIZES = {1, 7, 8, 17, 33, 127, 1000};

    @BeforeAll
    static void vectorApiPresent() {
        assumeTrue(Simd.ENABLED, "Vector API not in the module graph");
    }

    static float[] random(long seed, int n, float lo, float hi) {
        var rng = new Rng(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng.nextFloat();
        return a;
    }

    static void close(String what, float[] expected, float[] actual, double rtol, double atol) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) || Float.isNaN(a)) {
                assertTrue(Float.isNaN(e) && Float.isNaN(a), what + " at " + i + ": " + e + " vs " + a);
                continue;
            }
            if (Float.isInfinite(e)) {
                assertEquals(e, a, what + " at " + i);
                continue;
            }
            assertTrue(Math.abs(e - a) <= atol + rtol * Math.abs(e), what + " at " + i + ": scalar " + e + " vs vector " + a);
        }
    }

    @Test
    void unaryOps() {
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : SIZES) {
                boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW;
                float[] x = random(n * 31L + op.ordinal(), n + 5, positive ? 0.01f : -4f, 4f);
                float[] ys = new float[n], yv = new float[n];
                float p = op == UnaryOp.CLAMP || op == UnaryOp.INSIDE ? -0.5f : 1.3f, q = op == UnaryOp.CLAMP || op == UnaryOp.INSIDE ? 0.75f : -0.2f;
                ElementwiseScalar.unary(op, x, 3, 1, ys, 0, n, p, q);
                ElementwiseVector.unary(op, x, 3, 1, yv, 0, n, p, q);
                close(op + " n=" + n, ys, yv, 2e-6, 1e-6);
                // strided input goes through the scalar path in both
                float[] zs = new float[n / 2], zv = new float[n / 2];
                ElementwiseScalar.unary(op, x, 0, 2, zs, 0, n / 2, p, q);
                ElementwiseVector.unary(op, x, 0, 2, zv, 0, n / 2, p, q);
                close(op + " strided n=" + n, zs, zv, 0, 0);
            }
        }
    }

    @Test
    void binaryOpsWithUnitAndZeroStrides() {
        int[][] strides = {{1, 1}, {1, 0}, {0, 1}, {2, 1}};
        for (BinaryOp op : BinaryOp.values()) {
            for (int[] st : strides) {
                for (int n : SIZES) {
                    boolean positive = op == BinaryOp.POW;
                    float[] a = random(n * 7L + op.ordinal(), 2 * n + 3, positive ? 0.1f : -3f, 3f);
                    float[] b = random(n * 11L + op.ordinal(), 2 * n + 3, op == BinaryOp.DIV ? 0.5f : -3f, 3f);
                    if (op == BinaryOp.EQ) for (int i = 0; i < a.length; i += 3) b[i] = a[i];
                    float[] cs = new float[n], cv = new float[n];
                    ElementwiseScalar.binary(op, a, 1, st[0], b, 2, st[1], cs, 0, n);
                    ElementwiseVector.binary(op, a, 1, st[0], b, 2, st[1], cv, 0, n);
                    close(op + " strides " + st[0] + "," + st[1] + " n=" + n, cs, cv, 2e-6, 1e-6);
                }
            }
        }
    }

    @Test
    void expAgainstMath() {
        float[] x = random(3, 4096, -100, 100);
        x[0] = Float.NaN;
        x[1] = Float.POSITIVE_INFINITY;
        x[2] = Float.NEGATIVE_INFINITY;
        x[3] = 88.3f;
        x[4] = -87.3f;
        x[5] = 0f;
        var f = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += f.length()) VecMath.exp(jdk.incubator.vector.FloatVector.fromArray(f, x, i)).intoArray(y, i);
        for (int i = 0; i < x.length; i++) {
            float e = (float) Math.exp(x[i]);
            if (Float.isNaN(e)) assertTrue(Float.isNaN(y[i]), "exp(NaN)");
            else if (e == 0f || Float.isInfinite(e)) assertEquals(e, y[i], Math.max(Float.MIN_NORMAL, 0f), "exp(" + x[i] + ")");
            else if (Math.abs(e) >= Float.MIN_NORMAL) assertTrue(Math.abs(y[i] - e) <= 2 * Math.ulp(e), "exp(" + x[i] + ") = " + y[i] + " vs " + e);
        }
        float[] lanes = {1e8f, 1f, -1e8f, 1f, 3f, 0.5f, 0.25f, 7f};
        if (f.length() == 8) assertEquals(((((((1e8f + 1f) + -1e8f) + 1f) + 3f) + 0.5f) + 0.25f) + 7f,
                VecMath.sum(jdk.incubator.vector.FloatVector.fromArray(f, lanes, 0)));
    }

    @Test
    void dropoutMasksAreIdentical() {
        for (int n : SIZES) {
            float[] x = random(n, n + 2, -1, 1);
            float[] ys = new float[n], yv = new float[n];
            ElementwiseScalar.dropout(x, 2, ys, 0, n, 0.37f, 12345, -777, 99);
            ElementwiseVector.dropout(x, 2, yv, 0, n, 0.37f, 12345, -777, 99);
            assertArrayEquals(ys, yv, "dropout n=" + n);
        }
        // the keep rate is close to 1 - p
        int n = 100_000, kept = 0;
        float[] x = new float[n], y = new float[n];
        java.util.Arrays.fill(x, 1f);
        ElementwiseVector.dropout(x, 0, y, 0, n, 0.25f, 1, 2, 0);
        for (float v : y) if (v != 0f) kept++;
        assertEquals(0.75, kept / (double) n, 0.01);
    }

    @Test
    void adam() {
        for (boolean decoupled : new boolean[] {false, true}) {
            for (int n : SIZES) {
                float[] p1 = random(1, n, -1, 1), p2 = p1.clone();
                float[] g = random(2, n, -1, 1);
                float[] m1 = random(3, n, -0.1f, 0.1f), m2 = m1.clone();
                float[] v1 = random(4, n, 0, 0.01f), v2 = v1.clone();
                ElementwiseScalar.adam(p1, 0, g, 0, m1, 0, v1, 0, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 0.01f, 0.05f);
                ElementwiseVector.adam(p2, 0, g, 0, m2, 0, v2, 0, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 0.01f, 0.05f);
                close("adam p", p1, p2, 1e-6, 1e-7);
                close("adam m", m1, m2, 1e-6, 1e-9);
                close("adam v", v1, v2, 1e-6, 1e-12);
            }
        }
    }

    @Test
    void reductions() {
        for (ReduceOp op : ReduceOp.values()) {
            for (int rows : new int[] {1, 3, 17}) {
                for (int cols : SIZES) {
                    float[] x = random(rows * 1000L + cols, rows * cols + 4, -2, 2);
                    float[] rs = new float[rows], rv = new float[rows];
                    ReduceScalar.rows(op, x, 4, rows, cols, rs, 0);
                    ReduceVector.rows(op, x, 4, rows, cols, rv, 0);
                    close(op + " rows " + rows + "x" + cols, rs, rv, 1e-5, 1e-5);
                    float[] cs = new float[cols], cv = new float[cols];
                    ReduceScalar.cols(op, x, 4, rows, cols, cols, cs, 0);
                    ReduceVector.cols(op, x, 4, rows, cols, cols, cv, 0);
                    close(op + " cols " + rows + "x" + cols, cs, cv, 1e-5, 1e-5);
                }
            }
            // NaN propagates in both
            float[] x = random(9, 40, -1, 1);
            x[21] = Float.NaN;
            float[] rs = new float[1], rv = new float[1];
            ReduceScalar.rows(op, x, 0, 1, 40, rs, 0);
            ReduceVector.rows(op, x, 0, 1, 40, rv, 0);
            assertTrue(Float.isNaN(rs[0]) && Float.isNaN(rv[0]), op + " NaN");
        }
    }

    @Test
    void rowKernels() {
        for (int rows : new int[] {1, 5}) {
            for (int cols : SIZES) {
                float[] x = random(cols, rows * cols + 3, -5, 5);
                for (boolean log : new boolean[] {false, true}) {
                    float[] ys = new float[rows * cols], yv = new float[rows * cols];
                    RowsScalar.softmax(x, 3, ys, 0, rows, cols, log);
                    RowsVector.softmax(x, 3, yv, 0, rows, cols, log);
                    close("softmax log=" + log + " " + rows + "x" + cols, ys, yv, 1e-5, 1e-6);
                    float[] g = random(cols + 1, rows * cols, -1, 1);
                    float[] gs = new float[rows * cols], gv = new float[rows * cols];
                    RowsScalar.softmaxBackward(ys, 0, g, 0, gs, 0, rows, cols, log);
                    RowsVector.softmaxBackward(ys, 0, g, 0, gv, 0, rows, cols, log);
                    close("softmax backward log=" + log + " " + rows + "x" + cols, gs, gv, 1e-4, 1e-5);
                }
                float[] w = random(5, cols, 0.5f, 1.5f), b = random(6, cols, -1, 1);
                float[] ys = new float[rows * cols], yv = new float[rows * cols];
                float[] ms = new float[rows], mv = new float[rows], rs = new float[rows], rv = new float[rows];
                RowsScalar.layerNorm(x, 3, w, b, ys, 0, ms, rs, 0, rows, cols, 1e-5f);
                RowsVector.layerNorm(x, 3, w, b, yv, 0, mv, rv, 0, rows, cols, 1e-5f);
                close("layer_norm " + rows + "x" + cols, ys, yv, 1e-4, 1e-4);
                close("layer_norm mean", ms, mv, 1e-5, 1e-5);
                close("layer_norm rstd", rs, rv, 1e-4, 1e-4);
                float[] g = random(7, rows * cols, -1, 1);
                float[] gxs = new float[rows * cols], gxv = new float[rows * cols];
                RowsScalar.layerNormBackward(g, 0, x, 3, w, ms, rs, gxs, 0, rows, cols);
                RowsVector.layerNormBackward(g, 0, x, 3, w, ms, rs, gxv, 0, rows, cols);
                close("layer_norm backward " + rows + "x" + cols, gxs, gxv, 1e-3, 1e-4);
                float[] gws = new float[cols], gbs = new float[cols], gwv = new float[cols], gbv = new float[cols];
                RowsScalar.layerNormParams(g, 0, x, 3, ms, rs, gws, gbs, rows, cols, 0, cols);
                RowsVector.layerNormParams(g, 0, x, 3, ms, rs, gwv, gbv, rows, cols, 0, cols);
                close("layer_norm dw", gws, gwv, 1e-4, 1e-5);
                close("layer_norm db", gbs, gbv, 1e-4, 1e-5);
            }
        }
    }

    @Test
    void attentionFastAgainstReference() {
        int b = 2, h = 3;
        for (float drop : new float[] {0f, 0.3f})
        for (int[] t : new int[][] {{1, 1, 1, 1}, {5, 7, 4, 6}, {8, 8, 64, 64}, {17, 3, 33, 9}}) {
            int tq = t[0], tk = t[1], dk = t[2], dv = t[3];
            float[] q = random(1, b * h * tq * dk, -1, 1), k = random(2, b * h * tk * dk, -1, 1), v = random(3, b * h * tk * dv, -1, 1);
            var Q = new AttentionKernels.Heads(q, 0, h * tq * dk, tq * dk, dk);
            var K = new AttentionKernels.Heads(k, 0, h * tk * dk, tk * dk, dk);
            var V = new AttentionKernels.Heads(v, 0, h * tk * dv, tk * dv, dv);
            float[] maskData = random(4, b * tk, -3, 0);
            var mask = new AttentionKernels.Mask(maskData, 0, tk, 0, 0, 1);
            float scale = (float) (1 / Math.sqrt(dk));
            float[] o1 = new float[b * h * tq * dv], p1 = new float[b * h * tq * tk], o2 = o1.clone(), p2 = p1.clone();
            AttentionKernels.forwardReference(Q, K, V, mask, scale, b, h, tq, tk, dk, dv, o1, p1, drop, 17, -3);
            AttentionKernels.forward(Q, K, V, mask, scale, b, h, tq, tk, dk, dv, o2, p2, drop, 17, -3);
            close("attention out", o1, o2, 1e-4, 1e-5);
            close("attention probs", p1, p2, 1e-4, 1e-6);
            float[] g = random(5, o1.length, -1, 1);
            float[] gq1 = new float[q.length], gk1 = new float[k.length], gv1 = new float[v.length];
            float[] gq2 = gq1.clone(), gk2 = gk1.clone(), gv2 = gv1.clone();
            AttentionKernels.backwardReference(g, Q, K, V, p1, scale, b, h, tq, tk, dk, dv, gq1, gk1, gv1, drop, 17, -3);
            AttentionKernels.backward(g, Q, K, V, p1, scale, b, h, tq, tk, dk, dv, gq2, gk2, gv2, drop, 17, -3);
            close("attention dq", gq1, gq2, 1e-3, 1e-5);
            close("attention dk", gk1, gk2, 1e-3, 1e-5);
            close("attention dv", gv1, gv2, 1e-3, 1e-5);
        }
    }
}
