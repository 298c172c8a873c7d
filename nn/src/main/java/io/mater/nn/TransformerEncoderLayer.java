package io.mater.nn;

import io.mater.engine.Rng;
import io.mater.engine.Tensor;

/**
 * Post-norm Transformer encoder layer as in the paper and torch.nn.TransformerEncoderLayer:
 * {@code x = norm1(x + dropout(self_attn(x))); x = norm2(x + dropout(linear2(dropout(relu(linear1(x))))))}.
 * Without attention (the paper's baseline) the layer is {@code x = norm2(x + FFN(x))} and has no
 * {@code self_attn.*} or {@code norm1.*} parameters. Inputs [B, T, d].
 */
public final class TransformerEncoderLayer extends Module {
    public final boolean attention;
    private final MultiheadAttention selfAttn;
    private final Linear linear1, linear2;
    private final LayerNorm norm1, norm2;
    private final Dropout dropout;

    /** The layer output [B, T, d] and the attention weights [B, H, T, T] when asked for (else null). */
    public record Output(Tensor output, Tensor weights) {}

    public TransformerEncoderLayer(int dModel, int heads, int ff, float dropout, boolean attention, Rng rng) {
        this.attention = attention;
        if (attention) {
            selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, heads, dropout, rng));
        } else {
            selfAttn = null;
        }
        linear1 = registerModule("linear1", new Linear(dModel, ff, true, rng));
        linear2 = registerModule("linear2", new Linear(ff, dModel, true, rng));
        norm1 = attention ? registerModule("norm1", new LayerNorm(dModel)) : null;
        norm2 = registerModule("norm2", new LayerNorm(dModel));
        this.dropout = registerModule("dropout", new Dropout(dropout, rng));
    }

    public Output forward(Tensor x, Tensor keyPaddingMask, boolean needWeights) {
        Tensor weights = null;
        if (attention) {
            var a = selfAttn.forward(x, keyPaddingMask, needWeights);
            weights = a.weights();
            x = norm1.forward(x.add(dropout.forward(a.output())));
        }
        Tensor h = dropout.forward(linear1.forward(x).relu());
        x = norm2.forward(x.add(dropout.forward(linear2.forward(h))));
        return new Output(x, weights);
    }

    public Tensor forward(Tensor x) {
        return forward(x, null, false).output();
    }
}
