package io.mater.nn;

import io.mater.engine.Tensor;

/** Parameter-free elementwise activations as modules. */
public final class Activation extends Module implements Layer {
    public enum Kind { RELU, GELU, TANH, SIGMOID }

    private final Kind kind;

    public Activation(Kind kind) {
        this.kind = kind;
    }

    public static Activation relu() {
        return new Activation(Kind.RELU);
    }

    public static Activation gelu() {
        return new Activation(Kind.GELU);
    }

    @Override
    public Tensor forward(Tensor x) {
        return switch (kind) {
            case RELU -> x.relu();
            case GELU -> x.gelu();
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
        };
    }

    @Override
    public String toString() {
        return kind.name();
    }
}
