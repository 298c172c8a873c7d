package io.mater.engine;

/** Fused scaled dot-product attention beside its backward. */
public final class Attention {
    private Attention() {}

    /** The attended values and the attention weights (detached; [B, H, Tq, Tk]). */
    public record Result(Tensor output, Tensor weights) {}

    // P = softmax(q k^T scale + mask); D = dropout(P); out = D v.
    // dv = D^T g;  dD = g v^T;  dP = dropout(dD);  dS = P (dP - rowsum(dP P));  dq = dS k scale;  dk = dS^T q scale
    public static Result scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor mask, float scale) {
        return scaledDotProduct(q, k, v, mask, scale, 0f, 0L);
    }

    /** With dropout of probability dropoutP on the attention weights (training), masks drawn from seed. */
    public static Result scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor mask, float scale, float dropoutP, long seed) {
        if (dropoutP < 0f || dropoutP >= 1f) throw new IllegalArgumentException("attention dropout must be in [0, 1), got " + dropoutP);
        if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4)
            throw new IllegalArgumentException("attention needs q, k, v as [B, H, T, D], got " + Shape.str(q.shape) + ", " + Shape.str(k.shape) + ", " + Shape.str(v.shape));
        int b = q.shape[0], h = q.shape[1], tk = k.shape[2];
        if (k.shape[0] != b || v.shape[0] != b || k.shape[1] != h || v.shape[1] != h || k.shape[3] != q.shape[3] || v.shape[2] != tk)
            throw new IllegalArgumentException("attention: q " + Shape.str(q.shape) + ", k " + Shape.str(k.shape) + ", v " + Shape.str(v.shape) + " do not fit [B, H, Tq, Dk], [B, H, Tk, Dk], [B, H, Tk, Dv]");
        if (mask != null) Shape.broadcast(mask.shape, new int[] {b, h, q.shape[2], tk});
        var be = Backends.common(q, k, v, mask);
        Tensor[] r = be.attention(q, k, v, mask, scale, dropoutP, seed);
        Tensor out = r[0], probs = r[1];
        Autograd.record(out, "attention", g -> {
            Tensor[] gr = be.attentionBackward(g, q, k, v, probs, scale, dropoutP, seed);
            return new Tensor[] {gr[0], gr[1], gr[2], null};
        }, q, k, v, mask);
        return new Result(out, probs.detach());
    }

    /** Scale 1/sqrt(Dk), no mask. */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v) {
        return scaledDotProduct(q, k, v, null, (float) (1.0 / Math.sqrt(q.size(-1)))).output();
    }
}
