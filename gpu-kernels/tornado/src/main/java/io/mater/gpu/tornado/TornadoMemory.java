package io.mater.gpu.tornado;

import io.mater.engine.Device;
import io.mater.engine.DeviceMemory;

/**
 * The storage of a tensor on a TornadoVM device: the host mirror that TornadoVM copies to and from the
 * device buffers of its task graphs. Ops with a TornadoVM kernel stage it into their plan's device-persistent
 * buffers; ops without one read it in place on the CPU ({@link TornadoBackend#cpuFallbacks()}).
 */
final class TornadoMemory implements DeviceMemory {
    private final Device device;
    private float[] data;

    TornadoMemory(Device device, float[] data) {
        this.device = device;
        this.data = data;
    }

    float[] data() {
        if (data == null) throw new IllegalStateException("tensor memory on " + device + " was already freed");
        return data;
    }

    @Override
    public long floats() {
        return data == null ? 0 : data.length;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public void close() {
        data = null;
    }

    @Override
    public boolean isClosed() {
        return data == null;
    }
}
