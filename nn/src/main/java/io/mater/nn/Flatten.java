package io.mater.nn;

import io.mater.engine.Tensor;

/** Flattens axes from..to (torch.nn.Flatten's start_dim=1, end_dim=-1 by default). */
public final class Flatten extends Module implements Layer {
    private final int from, to;

    public Flatten(int from, int to) {
        this.from = from;
        this.to = to;
    }

    public Flatten() {
        this(1, -1);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(from, to);
    }
}
