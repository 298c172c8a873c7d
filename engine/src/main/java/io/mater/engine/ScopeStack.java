package io.mater.engine;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The memory scopes behind {@link MemoryScopes} (device memory) and {@link HeapPool} (heap arrays): per thread, a
 * stack of open scopes, the innermost of which owns each resource adopted while it is open. Closing a scope hands
 * what it owns to the owner's {@link Release}; {@link MemoryScope#keep} moves a tensor's resource to the enclosing
 * scope, or out of every scope.
 *
 * @param <R> what a scope owns: a tensor's storage of one kind
 */
final class ScopeStack<R> {
    /** What becomes of the resources of a closing scope. */
    @FunctionalInterface
    interface Release<R> {
        /** @param outermost whether no scope stays open on this thread */
        void release(List<R> owned, boolean outermost);
    }

    private final ThreadLocal<ArrayDeque<Scope>> stack = ThreadLocal.withInitial(ArrayDeque::new);
    private final Function<Tensor, R> resourceOf;
    private final Release<R> release;

    /** @param resourceOf a tensor's resource of this kind, or null */
    ScopeStack(Function<Tensor, R> resourceOf, Release<R> release) {
        this.resourceOf = resourceOf;
        this.release = release;
    }

    MemoryScope open() {
        var s = new Scope();
        stack.get().push(s);
        return s;
    }

    boolean isOpen() {
        return !stack.get().isEmpty();
    }

    /** Gives r to the calling thread's innermost open scope, if there is one. */
    void adopt(R r) {
        var s = stack.get().peek();
        if (s != null) s.owned.add(r);
    }

    /** Takes r away from the open scope that owns it (innermost first), for the caller to free now. */
    boolean disown(R r) {
        for (var s : stack.get()) if (s.owned.remove(r)) return true;
        return false;
    }

    private final class Scope implements MemoryScope {
        final Set<R> owned = new LinkedHashSet<>();
        private boolean closed;

        @Override
        public Tensor keep(Tensor t) {
            R r = t == null ? null : resourceOf.apply(t);
            if (r == null || !owned.remove(r)) return t;
            boolean below = false;
            for (var s : stack.get()) { // innermost first
                if (below) {
                    s.owned.add(r);
                    break;
                }
                below = s == this;
            }
            return t;
        }

        @Override
        public void close() {
            if (closed) return;
            var scopes = stack.get();
            if (scopes.peek() != this) throw new IllegalStateException("memory scopes must close innermost first");
            scopes.pop();
            closed = true;
            var list = List.copyOf(owned);
            owned.clear();
            release.release(list, scopes.isEmpty());
        }
    }
}
