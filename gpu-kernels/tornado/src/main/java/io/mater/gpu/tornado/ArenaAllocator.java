package io.mater.gpu.tornado;

import java.util.Map;
import java.util.TreeMap;

/**
 * Host-side bookkeeping of the device arena: which element ranges are free. First fit over the free ranges
 * in address order, blocks aligned to {@link #ALIGN} floats, neighbouring free ranges merged on free. Not
 * thread-safe: {@link TornadoBackend} calls it under its lock.
 */
final class ArenaAllocator {
    /** Alignment of every block, in floats (64 bytes). */
    static final int ALIGN = 16;

    private final int capacity;
    private final TreeMap<Integer, Integer> free = new TreeMap<>(); // offset -> length
    private long inUse;

    ArenaAllocator(int capacity) {
        this.capacity = capacity / ALIGN * ALIGN;
        if (this.capacity > 0) free.put(0, this.capacity);
    }

    /** Rounded-up block length for n floats (at least one alignment unit). */
    static int blockLength(long n) {
        long len = Math.max(1, (n + ALIGN - 1) / ALIGN) * ALIGN;
        if (len > Integer.MAX_VALUE - ALIGN) throw new IllegalArgumentException("tornado: a tensor of " + n + " floats is larger than any arena");
        return (int) len;
    }

    /** Offset of a new block of length floats (from {@link #blockLength}), or -1 when no free range fits. */
    int alloc(int length) {
        for (Map.Entry<Integer, Integer> e : free.entrySet()) {
            if (e.getValue() >= length) {
                int off = e.getKey(), rest = e.getValue() - length;
                free.remove(off);
                if (rest > 0) free.put(off + length, rest);
                inUse += length;
                return off;
            }
        }
        return -1;
    }

    void free(int offset, int length) {
        inUse -= length;
        int start = offset, len = length;
        var before = free.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue() == offset) {
            start = before.getKey();
            len += before.getValue();
            free.remove(before.getKey());
        }
        var after = free.get(offset + length);
        if (after != null) {
            free.remove(offset + length);
            len += after;
        }
        free.put(start, len);
    }

    int capacity() {
        return capacity;
    }

    /** Floats in allocated blocks. */
    long inUse() {
        return inUse;
    }

    /** Number of separate free ranges (fragmentation, for tests). */
    int freeRanges() {
        return free.size();
    }
}
