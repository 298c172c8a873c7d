package io.mater.engine.cpu;

/**
 * Per-thread scratch arrays for kernels that need a work buffer (im2col columns, gathered gradients),
 * reused across calls: each thread keeps a few slots that grow to the largest size asked and never shrink.
 * Contents are garbage on return; callers overwrite what they read.
 */
final class Scratch {
    static final int SLOTS = 3;
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[SLOTS][]);

    private Scratch() {}

    static float[] get(int slot, long size) {
        if (size > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("scratch buffer of " + size + " floats is larger than a Java array");
        float[][] slots = BUFFERS.get();
        float[] b = slots[slot];
        if (b == null || b.length < size) {
            b = new float[(int) size];
            slots[slot] = b;
        }
        return b;
    }
}
