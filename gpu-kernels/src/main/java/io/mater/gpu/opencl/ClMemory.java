package io.mater.gpu.opencl;

import io.mater.engine.Device;
import io.mater.engine.DeviceMemory;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jocl.cl_mem;

/**
 * One OpenCL buffer of float32 elements. {@link #close()} releases it at once (idempotent); memory scopes
 * close the buffers allocated in them. A buffer that becomes unreachable without being closed is released by
 * a {@link Cleaner} as a backstop, so a forgotten scope does not leak device memory for ever.
 */
final class ClMemory implements DeviceMemory {
    private static final Cleaner CLEANER = Cleaner.create();

    /** What releasing needs, without a reference to the ClMemory itself (the Cleaner must not keep it alive). */
    static final class Buffer implements Runnable {
        final OpenClBackend owner;
        final cl_mem mem;
        final long bytes;
        final AtomicBoolean freed = new AtomicBoolean();

        Buffer(OpenClBackend owner, cl_mem mem, long bytes) {
            this.owner = owner;
            this.mem = mem;
            this.bytes = bytes;
        }

        @Override
        public void run() {
            if (freed.compareAndSet(false, true)) owner.released(this);
        }
    }

    private final Buffer buffer;
    private final long floats;
    private final Cleaner.Cleanable cleanable;

    ClMemory(OpenClBackend owner, cl_mem mem, long floats) {
        this.buffer = new Buffer(owner, mem, Math.max(1, floats) * 4L);
        this.floats = floats;
        this.cleanable = CLEANER.register(this, buffer);
    }

    Buffer buffer() {
        return buffer;
    }

    /** The buffer, or a clear error when it was freed already. */
    cl_mem mem() {
        if (buffer.freed.get())
            throw new IllegalStateException("a tensor's device memory on " + buffer.owner.device() + " was freed when its memory scope closed;"
                    + " keep() tensors that must outlive a scope");
        return buffer.mem;
    }

    long bytes() {
        return buffer.bytes;
    }

    @Override
    public long floats() {
        return floats;
    }

    @Override
    public Device device() {
        return buffer.owner.device();
    }

    @Override
    public void close() {
        cleanable.clean(); // runs buffer.run() once
    }

    @Override
    public boolean isClosed() {
        return buffer.freed.get();
    }
}
