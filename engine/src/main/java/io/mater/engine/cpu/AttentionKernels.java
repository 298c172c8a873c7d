package io.mater.engine.cpu;

import io.mater.engine.Parallel;

/**
 * Scaled dot-product attention over (batch, head) pairs. Operands are [B, H, T, D] views whose last stride
 * is 1 (a packed q|k|v projection viewed per head needs no copy). {@link #forwardReference} and
 * {@link #backwardReference} are plain loops; {@link #forward} and {@link #backward} run the same math
 * through small GEMMs and the fused row kernels, parallel over B*H.
 */
public final class AttentionKernels {
    private AttentionKernels() {}

    /** A [B, H, T, D] operand: element (b, h, t, d) is at off + b*sB + h*sH + t*sT + d. */
    public record Heads(float[] data, int off, int sB, int sH, int sT) {
        int at(int b, int h) {
            return off + b * sB + h * sH;
        }
    }

    /** Additive mask broadcast to [B, H, Tq, Tk] (strides 0 on broadcast axes), or null. */
    public record Mask(float[] data, int off, int sB, int sH, int sI, int sJ) {
        float at(int b, int h, int i, int j) {
            return data[off + b * sB + h * sH + i * sI + j * sJ];
        }
    }

    // out [B, H, Tq, Dv] and probs [B, H, Tq, Tk] are contiguous outputs; probs are kept before dropout.
    public static void forwardReference(Heads q, Heads k, Heads v, Mask mask, float scale, int batch, int heads, int tq, int tk,
                                        int dk, int dv, float[] out, float[] probs, float dropP, int key0, int key1) {
        float[] kept = new float[tk];
        for (int b = 0; b < batch; b++) for (int h = 0; h < heads; h++) {
            int bh = b * heads + h;
            for (int i = 0; i < tq; i++) {
                int pRow = (bh * tq + i) * tk;
                for (int j = 0; j < tk; j++) {
                    double s = 0;
                    for (int d = 0; d < dk; d++) s += (double) q.data[q.at(b, h) + i * q.sT + d] * k.data[k.at(b, h) + j * k.sT + d];
                    probs[pRow + j] = (float) (s * scale) + (mask == null ? 0f : mask.at(b, h, i, j));
                }
                RowsScalar.softmax(probs, pRow, probs, pRow, 1, tk, false);
                if (dropP > 0f) ElementwiseScalar.dropout(probs, pRow, kept, 0, tk, dropP, key0, key1, pRow);
                else System.arraycopy(probs, pRow, kept, 0, tk);
                for (int d = 0; d < dv; d++) {
                    double s = 0;
                    for (int j = 0; j < tk; j++) s += (double) kept[j] * v.data[v.at(b, h) + j * v.sT + d];
                    out[(bh * tq + i) * dv + d] = (float) s;
                }
            }
        }
    }

    public static void forward(Heads q, Heads k, Heads v, Mask mask, float scale, int batch, int heads, int tq, int tk,
                               int dk, int dv, float[] out, float[] probs, float dropP, int key0, int key1) {
        Parallel.range(batch * heads, 1, (from, to) -> {
            float[] kept = dropP > 0f ? new float[tq * tk] : null;
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                int pOff = bh * tq * tk;
                // S = scale q k^T (+ mask), then softmax per row, in probs
                Gemm.sgemmSerial(false, true, tq, tk, dk, scale, q.data, q.at(b, h), q.sT, k.data, k.at(b, h), k.sT, 0f, probs, pOff, tk);
                if (mask != null)
                    for (int i = 0; i < tq; i++) for (int j = 0; j < tk; j++) probs[pOff + i * tk + j] += mask.at(b, h, i, j);
                Kernels.softmax(probs, pOff, probs, pOff, tq, tk, false);
                // out = dropout(P) v
                float[] w = probs;
                int wOff = pOff;
                if (dropP > 0f) {
                    Kernels.dropout(probs, pOff, kept, 0, tq * tk, dropP, key0, key1, pOff);
                    w = kept;
                    wOff = 0;
                }
                Gemm.sgemmSerial(false, false, tq, dv, tk, 1f, w, wOff, tk, v.data, v.at(b, h), v.sT, 0f, out, bh * tq * dv, dv);
            }
        });
    }

    // g [B, H, Tq, Dv] contiguous; gq, gk, gv contiguous [B, H, T, D] outputs.
    // D = dropout(P);  dv = D^T g;  dP = dropout(g v^T);  dS = P (dP - rowsum(dP P));  dq = scale dS k;  dk = scale dS^T q
    public static void backwardReference(float[] g, Heads q, Heads k, Heads v, float[] probs, float scale, int batch, int heads,
                                         int tq, int tk, int dk, int dv, float[] gq, float[] gk, float[] gv, float dropP, int key0, int key1) {
        float[] ds = new float[tq * tk];
        float[] kept = new float[tq * tk];
        for (int b = 0; b < batch; b++) for (int h = 0; h < heads; h++) {
            int bh = b * heads + h, pOff = bh * tq * tk, gOff = bh * tq * dv;
            if (dropP > 0f) ElementwiseScalar.dropout(probs, pOff, kept, 0, tq * tk, dropP, key0, key1, pOff);
            else System.arraycopy(probs, pOff, kept, 0, tq * tk);
            for (int j = 0; j < tk; j++) for (int d = 0; d < dv; d++) {
                double s = 0;
                for (int i = 0; i < tq; i++) s += (double) kept[i * tk + j] * g[gOff + i * dv + d];
                gv[(bh * tk + j) * dv + d] = (float) s;
            }
            for (int i = 0; i < tq; i++) {
                double dot = 0;
                float[] dp = new float[tk];
                for (int j = 0; j < tk; j++) {
                    double s = 0;
                    for (int d = 0; d < dv; d++) s += (double) g[gOff + i * dv + d] * v.data[v.at(b, h) + j * v.sT + d];
                    dp[j] = (float) s;
                }
                if (dropP > 0f) ElementwiseScalar.dropout(dp, 0, dp, 0, tk, dropP, key0, key1, pOff + i * tk);
                for (int j = 0; j < tk; j++) {
                    dot += (double) dp[j] * probs[pOff + i * tk + j];
                }
                for (int j = 0; j < tk; j++) ds[i * tk + j] = (float) (probs[pOff + i * tk + j] * (dp[j] - dot));
            }
            for (int i = 0; i < tq; i++) for (int d = 0; d < dk; d++) {
                double s = 0;
                for (int j = 0; j < tk; j++) s += (double) ds[i * tk + j] * k.data[k.at(b, h) + j * k.sT + d];
                gq[(bh * tq + i) * dk + d] = (float) (s * scale);
            }
            for (int j = 0; j < tk; j++) for (int d = 0; d < dk; d++) {
                double s = 0;
                for (int i = 0; i < tq; i++) s += (double) ds[i * tk + j] * q.data[q.at(b, h) + i * q.sT + d];
                gk[(bh * tk + j) * dk + d] = (float) (s * scale);
            }
        }
    }

    public static void backward(float[] g, Heads q, Heads k, Heads v, float[] probs, float scale, int batch, int heads,
                                int tq, int tk, int dk, int dv, float[] gq, float[] gk, float[] gv, float dropP, int key0, int key1) {
        Parallel.range(batch * heads, 1, (from, to) -> {
            float[] dp = new float[tq * tk];
            float[] ds = new float[tq * tk];
            float[] kept = dropP > 0f ? new float[tq * tk] : null;
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                int pOff = bh * tq * tk, gOff = bh * tq * dv;
                float[] w = probs;
                int wOff = pOff;
                if (dropP > 0f) {
                    Kernels.dropout(probs, pOff, kept, 0, tq * tk, dropP, key0, key1, pOff);
                    w = kept;
                    wOff = 0;
                }
                Gemm.sgemmSerial(true, false, tk, dv, tq, 1f, w, wOff, tk, g, gOff, dv, 0f, gv, bh * tk * dv, dv);
                Gemm.sgemmSerial(false, true, tq, tk, dv, 1f, g, gOff, dv, v.data, v.at(b, h), v.sT, 0f, dp, 0, tk);
                if (dropP > 0f) Kernels.dropout(dp, 0, dp, 0, tq * tk, dropP, key0, key1, pOff);
                Kernels.softmaxBackward(probs, pOff, dp, 0, ds, 0, tq, tk, false);
                Gemm.sgemmSerial(false, false, tq, dk, tk, scale, ds, 0, tk, k.data, k.at(b, h), k.sT, 0f, gq, bh * tq * dk, dk);
                Gemm.sgemmSerial(true, false, tk, dk, tq, scale, ds, 0, tk, q.data, q.at(b, h), q.sT, 0f, gk, bh * tk * dk, dk);
            }
        });
    }
}
