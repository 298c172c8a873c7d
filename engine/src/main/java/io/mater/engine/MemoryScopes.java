package io.mater.engine;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The memory scopes of one device backend: per thread, a stack of open scopes, the innermost of which owns the
 * device memory allocated while it is open. A backend opens them in {@link Backend#memoryScope()} and hands each
 * new allocation to {@link #adopt}.
 */
public final class MemoryScopes {
    private final ThreadLocal<ArrayDeque<Scope>> stack = ThreadLocal.withInitial(ArrayDeque::new);

    /** Opens a scope on the calling thread. */
    public MemoryScope open() {
        var s = new Scope();
        stack.get().push(s);
        return s;
    }

    /** Gives m to the calling thread's innermost open scope, if there is one. */
    public void adopt(DeviceMemory m) {
        var s = stack.get().peek();
        if (s != null) s.owned.add(m);
    }

    /** A scope on the calling thread; nested scopes hand kept tensors to the enclosing one. */
    private final class Scope implements MemoryScope {
        final Set<DeviceMemory> owned = new LinkedHashSet<>();
        private boolean closed;

        @Override
        public Tensor keep(Tensor t) {
            if (t != null && t.storage() instanceof DeviceMemory m && owned.remove(m)) {
                boolean below = false;
                for (var s : stack.get()) { // innermost first
                    if (below) {
                        s.owned.add(m);
                        break;
                    }
                    below = s == this;
                }
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
            for (var m : owned) m.close();
            owned.clear();
        }
    }
}
