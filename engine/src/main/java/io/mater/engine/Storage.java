package io.mater.engine;

/** Where a tensor's numbers live: a heap array on the CPU, or memory owned by a device backend. */
public sealed interface Storage permits Storage.Heap, DeviceMemory {

    /** Number of float32 elements the storage holds. */
    long floats();

    Device device();

    /**
     * CPU storage: a plain float array. An array lent by {@link HeapPool} inside a memory scope goes back to the
     * pool when the scope closes; after that {@link #data()} throws instead of handing out recycled memory.
     */
    final class Heap implements Storage {
        private final int floats;
        private float[] data; // null once given back to the pool
        /** Order in which {@link HeapPool} lent the array on its thread (1, 2, ...); 0 when not pooled. */
        long serial;

        public Heap(float[] data) {
            this.data = java.util.Objects.requireNonNull(data, "data");
            this.floats = data.length;
        }

        /** The array (shared, not copied). */
        public float[] data() {
            float[] d = data;
            if (d == null)
                throw new IllegalStateException("a tensor of " + floats + " floats was freed when its memory scope closed;"
                        + " keep it (MemoryScope.keep) to use it after the scope");
            return d;
        }

        /** Whether the array went back to the pool with its scope. */
        public boolean isFreed() {
            return data == null;
        }

        /** Takes the array away from this storage (for {@link HeapPool}); null if already taken. */
        float[] release() {
            float[] d = data;
            data = null;
            return d;
        }

        @Override
        public long floats() {
            return floats;
        }

        @Override
        public Device device() {
            return Device.CPU;
        }

        @Override
        public String toString() {
            return "Heap[" + floats + " floats" + (data == null ? ", freed]" : "]");
        }
    }
}
