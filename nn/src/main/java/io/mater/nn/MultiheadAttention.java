package io.mater.nn;

import io.mater.engine.Attention;
import io.mater.engine.MatMul;
import io.mater.engine.Rng;
import io.mater.engine.Shape;
import io.mater.engine.Tensor;

/**
 * torch.nn.MultiheadAttention with batch_first=True: a packed input projection {@code in_proj_weight} [3d, d]
 * (rows: q, k, v) and {@code in_proj_bias} [3d], h heads of d/h, scaled dot-product attention (dropout on
 * the attention weights in training), and {@code out_proj}. Inputs [B, T, d].
 */
public final class MultiheadAttention extends Module {
    public final int dModel, heads;
    private final float dropout;
    private final Rng rng;
    private final Linear outProj;

    /** The attended output [B, Tq, d] and, when asked for, per-head weights [B, H, Tq, Tk] (else null). */
    public record Output(Tensor output, Tensor weights) {}

    public MultiheadAttention(int dModel, int heads, float dropout, Rng rng) {
        if (heads < 1 || dModel % heads != 0)
            throw new IllegalArgumentException("d_model " + dModel + " must be divisible by the number of heads " + heads);
        this.dModel = dModel;
        this.heads = heads;
        this.dropout = dropout;
        this.rng = rng;
        // PyTorch's _reset_parameters: xavier_uniform_ in_proj_weight, zero biases; out_proj keeps Linear's init.
        registerParameter("in_proj_weight", Init.xavierUniform(rng, dModel, 3 * dModel, 3 * dModel, dModel));
        registerParameter("in_proj_bias", Tensor.zeros(3 * dModel));
        outProj = registerModule("out_proj", new Linear(dModel, dModel, true, rng));
        java.util.Arrays.fill(outProj.bias().data(), 0f);
    }

    /** Self-attention: query = key = value = x. */
    public Output forward(Tensor x, Tensor keyPaddingMask, boolean needWeights) {
        return forward(x, x, x, keyPaddingMask, needWeights);
    }

    /**
     * query [B, Tq, d], key and value [B, Tk, d]; keyPaddingMask [B, Tk] with nonzero where a key is padding
     * (ignored), or null.
     */
    public Output forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean needWeights) {
        if (query.dim() != 3 || query.size(2) != dModel)
            throw new IllegalArgumentException("multi-head attention expects query [B, T, " + dModel + "], got " + Shape.str(query.shape()));
        int b = query.size(0), tq = query.size(1), dk = dModel / heads;
        Tensor w = param("in_proj_weight"), bias = param("in_proj_bias");
        Tensor q, k, v;
        int tk = key.size(1);
        if (query == key && key == value) {
            // one GEMM for q, k, v: [B, T, 3d] viewed as [B, T, 3, H, dk]
            Tensor qkv = MatMul.linear(query, w, bias).reshape(b, tq, 3, heads, dk);
            q = qkv.select(2, 0).permute(0, 2, 1, 3);
            k = qkv.select(2, 1).permute(0, 2, 1, 3);
            v = qkv.select(2, 2).permute(0, 2, 1, 3);
        } else {
            q = project(query, w, bias, 0, b, dk);
            k = project(key, w, bias, 1, b, dk);
            v = project(value, w, bias, 2, b, dk);
        }
        Tensor mask = null;
        if (keyPaddingMask != null) {
            if (keyPaddingMask.dim() != 2 || keyPaddingMask.size(0) != b || keyPaddingMask.size(1) != tk)
                throw new IllegalArgumentException("key padding mask must be [" + b + ", " + tk + "], got " + Shape.str(keyPaddingMask.shape()));
            Tensor pad = keyPaddingMask.detach().reshape(b, 1, 1, tk).gt(0f);
            mask = pad.maskedFill(pad, Float.NEGATIVE_INFINITY);
        }
        float p = isTraining() ? dropout : 0f;
        var r = Attention.scaledDotProduct(q, k, v, mask, (float) (1.0 / Math.sqrt(dk)), p, p > 0f ? rng.nextLong() : 0L);
        Tensor out = r.output().permute(0, 2, 1, 3).reshape(b, tq, dModel);
        return new Output(outProj.forward(out), needWeights ? r.weights() : null);
    }

    /** Rows [i*d, (i+1)*d) of the packed projection applied to x, as [B, H, T, dk]. */
    private Tensor project(Tensor x, Tensor w, Tensor bias, int i, int b, int dk) {
        Tensor y = MatMul.linear(x, w.narrow(0, i * dModel, dModel), bias.narrow(0, i * dModel, dModel));
        return y.reshape(b, x.size(1), heads, dk).permute(0, 2, 1, 3);
    }
}
