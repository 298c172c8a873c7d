package io.mater.model;

import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.nn.Linear;
import io.mater.nn.Module;
import io.mater.nn.ModuleList;
import io.mater.nn.PositionalEncoding;
import io.mater.nn.TransformerEncoderLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * One modality of MATER: (+ positional encoding) -> L encoder layers -> mean over the T windows -> fc.
 * Keys: {@code layers.<i>.<encoder layer key>}, {@code fc.weight}, {@code fc.bias}.
 */
public final class Branch extends Module {
    private final boolean pe;
    private final ModuleList<TransformerEncoderLayer> layers;
    private final Linear fc;

    /**
     * The branch's logits [B, C]; when asked for, the hidden state after each layer (index 0 is the input
     * after positional encoding; L+1 entries of [B, T, d]) and each layer's attention weights [B, H, T, T].
     */
    public record Output(Tensor logits, List<Tensor> hidden, List<Tensor> weights) {}

    public Branch(MaterConfig c, Rng rng) {
        this.pe = c.pe();
        layers = registerModule("layers", new ModuleList<>());
        for (int i = 0; i < c.layers(); i++)
            layers.add(new TransformerEncoderLayer(c.d(), c.heads(), c.ff(), c.dropout(), c.attention(), rng));
        fc = registerModule("fc", new Linear(c.d(), c.classes(), true, rng));
    }

    /** x [B, T, d]; keyPaddingMask [B, T] (nonzero = padded window) or null. */
    public Output forward(Tensor x, Tensor keyPaddingMask, boolean keepHidden, boolean keepWeights) {
        if (pe) x = x.add(PositionalEncoding.table(x.size(1), x.size(2)).to(x.device()));
        List<Tensor> hidden = keepHidden ? new ArrayList<>() : null, weights = keepWeights ? new ArrayList<>() : null;
        if (keepHidden) hidden.add(x.detach());
        for (var layer : layers) {
            var o = layer.forward(x, keyPaddingMask, keepWeights);
            x = o.output();
            if (keepHidden) hidden.add(x.detach());
            if (keepWeights) weights.add(o.weights());
        }
        Tensor pooled;
        if (keyPaddingMask == null) {
            pooled = x.mean(1, false);
        } else {
            // mean over the windows that are not padding
            Tensor keep = keyPaddingMask.detach().eq(0f).unsqueeze(-1);
            pooled = x.mul(keep).sum(1, false).div(keep.sum(1, false).clamp(1f, Float.MAX_VALUE));
        }
        return new Output(fc.forward(pooled), hidden, weights);
    }
}
