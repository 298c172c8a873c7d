package io.mater.gpu.opencl;

import io.mater.engine.Device;
import io.mater.engine.DeviceMemory;
import org.jocl.cl_mem;

/** One OpenCL buffer of float32 elements; {@link #close()} releases it at once (idempotent). */
final class ClMemory implements DeviceMemory {
    private final OpenClBackend owner;
    private final cl_mem mem;
    private final long floats;
    private volatile boolean closed;

    ClMemory(OpenClBackend owner, cl_mem mem, long floats) {
        this.owner = owner;
        this.mem = mem;
        this.floats = floats;
    }

    /** The buffer, or a clear error when it was freed already. */
    cl_mem mem() {
        if (closed)
            throw new IllegalStateException("a tensor's device memory on " + owner.device() + " was freed when its memory scope closed;"
                    + " keep() tensors that must outlive a scope");
        return mem;
    }

    long bytes() {
        return Math.max(1, floats) * 4L;
    }

    @Override
    public long floats() {
        return floats;
    }

    @Override
    public Device device() {
        return owner.device();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        owner.released(this, mem);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }
}
