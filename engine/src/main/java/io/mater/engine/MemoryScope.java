package io.mater.engine;

/**
 * A region of device allocations, opened with {@link Backend#memoryScope()} in try-with-resources: closing
 * it frees the device memory of every tensor allocated inside it, except the tensors passed to
 * {@link #keep}, which move to the enclosing scope (or to none). A training step runs in one scope so
 * that its activations and gradients are freed deterministically, not when the garbage collector runs.
 * On the CPU the arrays of the tensors made inside go back to a pool that later scopes reuse ({@link HeapPool});
 * a freed tensor throws when used, on every backend.
 */
public interface MemoryScope extends AutoCloseable {
    /** The scope of a backend without device memory. */
    MemoryScope NONE = new MemoryScope() {
        @Override
        public Tensor keep(Tensor t) {
            return t;
        }

        @Override
        public void close() {}
    };

    /** Keeps t's memory alive after this scope closes; returns t. Null is ignored. */
    Tensor keep(Tensor t);

    /** Frees what was allocated inside this scope and not kept. */
    @Override
    void close();
}
