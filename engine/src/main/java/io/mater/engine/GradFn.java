package io.mater.engine;

/** The recorded step that produced a tensor: its op name, inputs, and how to map its gradient back. */
record GradFn(String op, Tensor[] inputs, Backward backward) {
    /** Maps the output's gradient to one gradient per input (null for inputs that need none). */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor gradOut);
    }
}
