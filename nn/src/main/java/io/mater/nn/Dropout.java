package io.mater.nn;

import io.mater.engine.Elementwise;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;

/**
 * Inverted dropout in training mode, identity in eval mode. Each call draws a fresh mask seed from the
 * given generator (share one generator per model and save its state in checkpoints to resume exactly).
 */
public final class Dropout extends Module implements Layer {
    public final float p;
    private final Rng rng;

    public Dropout(float p, Rng rng) {
        if (p < 0f || p > 1f) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0f) return x;
        return Elementwise.dropout(x, p, true, rng.nextLong());
    }
}
