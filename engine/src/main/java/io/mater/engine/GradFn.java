package io.mater.engine;

/** The recorded step that produced a tensor: its op name, inputs, and how to map its gradient back. */
record GradFn(String op, Tensor[] inputs, Backward backward) {
    /** Marks a node whose graph was freed by a backward pass without retainGraph. */
    static final GradFn FREED = new GradFn("<freed>", new Tensor[0], g -> {
        throw new IllegalStateException("backward through a graph that was already freed; pass retainGraph=true to the first backward");
    });

    /** Maps the output's gradient to one gradient per input (null for inputs that need none). */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor gradOut);
    }
}
