package io.mater.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The device backends' scopes: what a scope frees, what keep hands to the enclosing scope, and close order. */
class MemoryScopesTest {
    /** Device memory that only records whether it was freed. */
    private static final class Fake implements DeviceMemory {
        boolean closed;

        @Override
        public long floats() {
            return 4;
        }

        @Override
        public Device device() {
            return new Device("fake", 0);
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }

    private static Fake alloc(MemoryScopes scopes) {
        var m = new Fake();
        scopes.adopt(m);
        return m;
    }

    @Test
    void scopeFreesWhatItAllocatedExceptWhatItKeeps() {
        var scopes = new MemoryScopes();
        var outside = alloc(scopes); // no scope open: nobody owns it
        Fake kept, dropped, keptTwice;
        try (var outer = scopes.open()) {
            try (var inner = scopes.open()) {
                kept = alloc(scopes);
                dropped = alloc(scopes);
                keptTwice = alloc(scopes);
                var t = Tensor.wrap(kept, 4);
                assertSame(t, inner.keep(t));
                inner.keep(Tensor.wrap(keptTwice, 4));
                assertSame(null, inner.keep(null));
            }
            assertTrue(dropped.closed);
            assertFalse(kept.closed, "kept memory moves to the enclosing scope");
            outer.keep(Tensor.wrap(keptTwice, 4));
        }
        assertTrue(kept.closed, "the enclosing scope frees what the inner one kept");
        assertFalse(keptTwice.closed, "kept by the outermost scope: owned by nobody");
        assertFalse(outside.closed);
    }

    @Test
    void scopesCloseInnermostFirstAndCloseIsIdempotent() {
        var scopes = new MemoryScopes();
        var outer = scopes.open();
        var inner = scopes.open();
        var ex = assertThrows(IllegalStateException.class, outer::close);
        assertTrue(ex.getMessage().contains("innermost first"));
        inner.close();
        inner.close();
        outer.close();
    }
}
