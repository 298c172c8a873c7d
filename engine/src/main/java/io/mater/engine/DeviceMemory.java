package io.mater.engine;

/**
 * Memory owned by a device backend (an OpenCL buffer, for example). It is freed deterministically by
 * {@link #close()}; backends also free it when the tensors that own it are closed or a memory scope ends.
 */
public non-sealed interface DeviceMemory extends Storage, AutoCloseable {
    /** Frees the device memory; idempotent. */
    @Override
    void close();

    boolean isClosed();
}
