package io.mater.engine;

/**
 * The memory scopes of one device backend: per thread, a stack of open scopes, the innermost of which owns the
 * device memory allocated while it is open. A backend opens them in {@link Backend#memoryScope()} and hands each
 * new allocation to {@link #adopt}; closing a scope frees what it owns and did not keep.
 */
public final class MemoryScopes {
    private final ScopeStack<DeviceMemory> scopes = new ScopeStack<>(
            t -> t.storage() instanceof DeviceMemory m ? m : null,
            (owned, outermost) -> owned.forEach(DeviceMemory::close));

    /** Opens a scope on the calling thread. */
    public MemoryScope open() {
        return scopes.open();
    }

    /** Gives m to the calling thread's innermost open scope, if there is one. */
    public void adopt(DeviceMemory m) {
        scopes.adopt(m);
    }
}
