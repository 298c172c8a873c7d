package io.mater.nn;

import io.mater.engine.Tensor;

/**
 * Sinusoidal positional encoding (the paper's Eq. 1): pe[t, 2i] = sin(t / 10000^(2i/d)),
 * pe[t, 2i+1] = cos(t / 10000^(2i/d)), t = 0..T-1, added to x [B, T, d]. Computed in float32 the way
 * torch computes it, so that it matches PyTorch to rounding.
 */
public final class PositionalEncoding extends Module implements Layer {
    /** The [T, d] table. */
    public static Tensor table(int t, int d) {
        float[] pe = new float[t * d];
        float k = (float) (-Math.log(10000.0) / d);
        for (int i = 0; 2 * i < d; i++) {
            float div = (float) Math.exp((2 * i) * k);
            for (int pos = 0; pos < t; pos++) {
                float angle = pos * div;
                pe[pos * d + 2 * i] = (float) Math.sin(angle);
                if (2 * i + 1 < d) pe[pos * d + 2 * i + 1] = (float) Math.cos(angle);
            }
        }
        return Tensor.of(pe, t, d);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 3) throw new IllegalArgumentException("positional encoding expects [B, T, d], got " + io.mater.engine.Shape.str(x.shape()));
        return x.add(table(x.size(1), x.size(2)).to(x.device()));
    }
}
