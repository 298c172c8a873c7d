package io.mater.engine;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Buffer reuse on the CPU. Inside a memory scope of the CPU backend ({@link Backend#memoryScope()}), the arrays of
 * the tensors that ops create come from a per-thread pool; closing the scope gives back those it did not
 * {@link MemoryScope#keep keep}, and the next scope (the next training step) takes the same arrays again instead
 * of allocating about a gigabyte for the garbage collector (MATER's paper step). Outside a scope, and on threads
 * without one, arrays are plain {@code new float[n]}.
 *
 * <p>Reused arrays are zeroed first (unless the op writes every element), so results are bit-identical with and
 * without scopes. A tensor used after its
 * scope closed throws ({@link Storage.Heap#data()}) rather than reading an array that another tensor now owns,
 * which is also how a device backend behaves. Only a raw {@code float[]} taken from {@link Tensor#data()} inside the
 * scope and held past it escapes that check.
 *
 * <p>A scope holds every array made inside it until it closes, except the gradients that {@link Tensor#backward()}
 * makes and consumes, which it gives back as it goes. So a scope suits a training step, whose activations live
 * until backward anyway (MATER's paper step: a live set of about 1 GB with or without the scope), and not a long
 * no-grad loop, whose intermediates the garbage collector would free as they die.
 *
 * <p>The pool never holds more than what the last outermost scope gave back: when an outermost scope closes, arrays
 * still unused from earlier scopes are dropped for the garbage collector. It holds them softly, so a pool left
 * behind by a finished training loop does not pin its memory when the heap runs short.
 */
public final class HeapPool {
    /** Arrays shorter than this are not pooled: the bookkeeping would cost more than the allocation. */
    public static final int MIN_FLOATS = 1024;

    /** The calling thread's free arrays and counts. */
    private static final ThreadLocal<HeapPool> POOL = ThreadLocal.withInitial(HeapPool::new);
    /** The CPU's scopes: what they own is storage lent from the pool of the thread that opened them. */
    private static final ScopeStack<Storage.Heap> SCOPES = new ScopeStack<>(
            t -> t.storage() instanceof Storage.Heap h && h.serial > 0 ? h : null, HeapPool::giveBack);

    /** Free arrays by length, softly held: under memory pressure the collector may take them back. */
    private Map<Integer, ArrayDeque<SoftReference<float[]>>> free = new HashMap<>();
    private long reused, allocated, serial;

    private HeapPool() {}

    /** Opens a scope on the calling thread. */
    public static MemoryScope open() {
        return SCOPES.open();
    }

    /** Zeroed storage of n floats: from the pool inside a scope, else a new array. */
    public static Storage.Heap allocate(int n) {
        return allocate(n, true);
    }

    /**
     * Storage of n floats for an op that writes every element: a reused array is not zeroed (a new one is, as Java
     * arrays are). An op that leaves any element unwritten must use {@link #allocate(int)}, or its results would
     * depend on what the array held before.
     */
    public static Storage.Heap allocateForWrite(int n) {
        return allocate(n, false);
    }

    private static Storage.Heap allocate(int n, boolean zero) {
        if (n < MIN_FLOATS || !SCOPES.isOpen()) return new Storage.Heap(new float[n]);
        var pool = POOL.get();
        var list = pool.free.get(n);
        float[] a = null;
        while (a == null && list != null && !list.isEmpty()) a = list.poll().get();
        if (a == null) {
            a = new float[n];
            pool.allocated += n;
        } else {
            if (zero) Arrays.fill(a, 0f);
            pool.reused += n;
        }
        var heap = new Storage.Heap(a);
        heap.serial = ++pool.serial;
        SCOPES.adopt(heap);
        return heap;
    }

    /** A mark for {@link #recycle}: arrays lent after this call have a later serial. */
    static long mark() {
        return POOL.get().serial;
    }

    /**
     * Gives s's array back to the pool now, before its scope closes, if the calling thread's open scopes lent it
     * after mark {@code since}. For autograd: gradients it made during one backward and no longer needs.
     */
    static void recycle(Storage s, long since) {
        if (s instanceof Storage.Heap h && h.serial > since && SCOPES.disown(h)) giveBack(List.of(h), false);
    }

    /** Floats the calling thread's scopes have allocated afresh and taken from the pool, since it started. */
    public static long[] counts() {
        var pool = POOL.get();
        return new long[] {pool.allocated, pool.reused};
    }

    /** Takes the arrays of a closing scope (or of recycled gradients) back; an outermost close first drops what
     * earlier scopes left unused, for the garbage collector. */
    private static void giveBack(List<Storage.Heap> heaps, boolean outermost) {
        var pool = POOL.get();
        if (outermost) pool.free = new HashMap<>();
        for (var h : heaps) {
            float[] a = h.release();
            if (a != null) pool.free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(new SoftReference<>(a));
        }
    }
}
