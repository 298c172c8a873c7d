package io.mater.engine;

/** Where a tensor's numbers live: a heap array on the CPU, or memory owned by a device backend. */
public sealed interface Storage permits Storage.Heap, DeviceMemory {

    /** Number of float32 elements the storage holds. */
    long floats();

    Device device();

    /** CPU storage: a plain float array. */
    record Heap(float[] data) implements Storage {
        @Override
        public long floats() {
            return data.length;
        }

        @Override
        public Device device() {
            return Device.CPU;
        }
    }
}
