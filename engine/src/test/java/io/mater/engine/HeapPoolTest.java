package io.mater.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The CPU memory scopes: arrays come back to the pool when a scope closes and are reused zeroed, a freed tensor
 * throws, keep hands a tensor to the enclosing scope, backward gives its spent gradients back early, and a training
 * loop gives bit-identical results with and without scopes.
 */
class HeapPoolTest {
    private static final Backend CPU = Backends.cpu();
    private static final int N = 2 * HeapPool.MIN_FLOATS + 3; // pooled, not a multiple of a vector width

    private static long fresh() {
        return HeapPool.counts()[0];
    }

    private static long reused() {
        return HeapPool.counts()[1];
    }

    @Test
    void closedScopeLendsItsArraysToTheNextZeroedAndFreedTensorsThrow() {
        var x = Tensor.full(3f, N);
        Tensor inside;
        try (var ignored = CPU.memoryScope()) {
            inside = x.mul(x); // 9 everywhere
            assertEquals(9f, inside.get(N - 1));
        }
        var e = assertThrows(IllegalStateException.class, () -> inside.get(0));
        assertTrue(e.getMessage().contains("freed when its memory scope closed"), e.getMessage());
        assertTrue(((Storage.Heap) inside.storage()).isFreed());
        long reusedBefore = reused(), freshBefore = fresh();
        try (var ignored = CPU.memoryScope()) {
            var z = CPU.zeros(new int[] {N});
            assertEquals(freshBefore, fresh(), "the array came from the pool");
            assertEquals(reusedBefore + N, reused());
            for (float v : z.data()) assertEquals(0f, v, "a reused array is zeroed");
        }
    }

    /** matmul, unary and binary ops skip zeroing reused arrays: they must write every element, odd sizes too. */
    @Test
    void opsThatSkipZeroingWriteEveryElement() {
        var rng = new Rng(3);
        var a = Tensor.randn(rng, 3, 37, 29);
        var b = Tensor.randn(rng, 29, 41);
        var bias = Tensor.randn(rng, 41);
        var empty = Tensor.zeros(23, 0);
        var wide = Tensor.randn(rng, 0, 1111);
        java.util.function.Supplier<Tensor[]> ops = () -> new Tensor[] {
                a.matmul(b), a.matmul(b).add(bias), a.transpose(1, 2).transpose(1, 2).exp(), a.mul(a.narrow(2, 0, 1)),
                empty.matmul(wide), a.reshape(3 * 37 * 29).neg()};
        var expected = ops.get();
        try (var ignored = CPU.memoryScope()) {} // empty the pool
        try (var ignored = CPU.memoryScope()) { // fill it with NaN arrays of every size the ops will ask for
            for (var t : expected) if (t.numel() > 0) CPU.fill(CPU.zeros(t.shape()), Float.NaN);
            CPU.fill(CPU.zeros(new int[] {3, 37, 41}), Float.NaN);
        }
        try (var ignored = CPU.memoryScope()) {
            long reusedBefore = reused();
            var got = ops.get();
            assertTrue(reused() > reusedBefore);
            for (int i = 0; i < got.length; i++) assertArrayEquals(expected[i].toArray(), got[i].toArray(), "op " + i);
        }
    }

    @Test
    void outsideAScopeAndBelowTheThresholdArraysAreNotPooled() {
        long before = fresh() + reused();
        var a = Tensor.full(2f, N).add(Tensor.full(1f, N));
        try (var ignored = CPU.memoryScope()) {
            var small = Tensor.full(2f, HeapPool.MIN_FLOATS - 1).exp();
            assertEquals(before, fresh() + reused());
            assertFalse(((Storage.Heap) small.storage()).isFreed());
        }
        assertEquals(3f, a.get(5));
    }

    @Test
    void keepMovesATensorToTheEnclosingScopeAndOutOfTheLast() {
        var x = Tensor.full(2f, N);
        Tensor kept, keptTwice;
        try (var outer = CPU.memoryScope()) {
            try (var inner = CPU.memoryScope()) {
                kept = inner.keep(x.add(x));
                keptTwice = inner.keep(x.mul(x));
            }
            assertEquals(4f, kept.get(0));
            outer.keep(keptTwice);
        }
        assertThrows(IllegalStateException.class, () -> kept.get(0), "freed with the outer scope");
        assertEquals(4f, keptTwice.get(N - 1), "kept by every scope: the GC's");
        assertArrayEquals(Tensor.full(4f, N).data(), keptTwice.toArray());
    }

    /**
     * A child JVM with a 96 MB heap: each round leaves a 40 MB array in the pool (a closed scope), then needs 40 MB
     * outside any scope. A pool that held its arrays strongly would run out of memory in the second round.
     */
    @Test
    void aPoolLeftBehindDoesNotPinItsMemory() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        String cp = Path.of("target", "classes") + java.io.File.pathSeparator + Path.of("target", "test-classes");
        Process p = new ProcessBuilder(javaBin, "-Xmx96m", "-XX:+UseSerialGC", "-cp", cp, HeapPoolTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), "child failed:\n" + out);
        assertTrue(out.contains("rounds=6"), out);
    }

    /** The child of {@link #aPoolLeftBehindDoesNotPinItsMemory}. */
    public static void main(String[] args) {
        int n = 10 << 20; // 40 MB of floats
        int rounds = 0;
        for (int r = 0; r < 6; r++) {
            try (var ignored = CPU.memoryScope()) {
                CPU.fill(CPU.zeros(new int[] {n}), 1f); // pooled; back in the pool when the scope closes
            }
            float[] plain = new float[n];
            plain[n - 1] = r;
            rounds++;
        }
        System.out.println("rounds=" + rounds);
    }

    @Test
    void scopesCloseInnermostFirst() {
        var outer = CPU.memoryScope();
        var inner = CPU.memoryScope();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
        outer.close(); // closing twice is harmless
    }

    /**
     * A graph where one gradient is shared by a leaf and an intermediate (add hands g to both inputs) and views of
     * gradients reach several inputs: backward inside a scope reuses its spent gradient arrays, and every leaf's
     * grad and every activation stay readable and equal to the run without a scope.
     */
    @Test
    void backwardRecyclesSpentGradientsButNotSharedOnesLeafGradsOrActivations() {
        float[][] plain = run(false), scoped = run(true);
        for (int i = 0; i < plain.length; i++) assertArrayEquals(plain[i], scoped[i], "output " + i);
    }

    private static float[][] run(boolean scoped) {
        var rng = new Rng(5);
        var w = Tensor.randn(rng, 37, 61).requiresGrad(true);
        var b = Tensor.randn(rng, 45, 61).requiresGrad(true);
        var x = Tensor.randn(rng, 45, 37);
        try (var empty = CPU.memoryScope()) {} // an outermost scope empties the pool: reuse below is backward's own
        long reusedBefore = reused();
        try (var scope = scoped ? CPU.memoryScope() : MemoryScope.NONE) {
            var h = x.matmul(w);                 // [45, 61]
            var y = h.add(b);                    // add: the same gradient goes to h and to the leaf b
            var z = y.tanh().mul(y).add(y.relu()).softmax(-1);
            var halves = z.narrow(1, 0, 30).sum().add(z.narrow(1, 30, 31).square().sum().mul(Tensor.scalar(3f)));
            var loss = halves.add(z.transpose(0, 1).matmul(h).mean());
            loss.backward();
            if (scoped) assertTrue(reused() > reusedBefore, "backward reused its own spent gradient arrays");
            return new float[][] {w.grad().toArray(), b.grad().toArray(), z.toArray(), h.toArray(), {loss.item()}};
        }
    }

    /** A few steps of a two-layer network with a hand-written SGD update: bit-identical with and without scopes. */
    @Test
    void trainingIsBitIdenticalWithAndWithoutScopes() {
        assertArrayEquals(train(false), train(true));
    }

    private static float[] train(boolean scoped) {
        var rng = new Rng(9);
        var w1 = Tensor.randn(rng, 33, 70).mul(Tensor.scalar(0.1f)).detach().requiresGrad(true);
        var w2 = Tensor.randn(rng, 70, 5).mul(Tensor.scalar(0.1f)).detach().requiresGrad(true);
        var x = Tensor.randn(rng, 40, 33);
        float[] losses = new float[4];
        for (int step = 0; step < losses.length; step++) {
            try (var scope = scoped ? CPU.memoryScope() : MemoryScope.NONE) {
                var loss = x.matmul(w1).gelu().matmul(w2).logSoftmax(-1).mean().neg();
                loss.backward();
                for (var p : new Tensor[] {w1, w2}) {
                    float[] d = p.data(), g = p.grad().toArray();
                    for (int i = 0; i < d.length; i++) d[i] -= 0.5f * g[i];
                    p.setGrad(null);
                }
                losses[step] = loss.item();
            }
        }
        float[] out = new float[losses.length + w1.numel() + w2.numel()];
        System.arraycopy(losses, 0, out, 0, losses.length);
        System.arraycopy(w1.toArray(), 0, out, losses.length, w1.numel());
        System.arraycopy(w2.toArray(), 0, out, losses.length + w1.numel(), w2.numel());
        assertSame(null, w1.grad());
        return out;
    }
}
