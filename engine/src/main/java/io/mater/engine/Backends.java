package io.mater.engine;

import io.mater.engine.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/** Finds the backend of a device: the CPU one built in, others from {@link BackendProvider} services. */
public final class Backends {
    private static final Map<Device, Backend> OPEN = new ConcurrentHashMap<>();

    private Backends() {}

    public static Backend cpu() {
        return CpuBackend.INSTANCE;
    }

    public static Backend of(Device device) {
        if (device.isCpu()) return CpuBackend.INSTANCE;
        return OPEN.computeIfAbsent(device, Backends::open);
    }

    private static Backend open(Device device) {
        var types = new ArrayList<String>();
        for (var provider : ServiceLoader.load(BackendProvider.class)) {
            types.add(provider.type());
            if (provider.type().equalsIgnoreCase(device.type())) return provider.open(device.index());
        }
        throw new IllegalStateException("no backend for device '" + device + "'; available: cpu"
                + (types.isEmpty() ? "" : ", " + String.join(", ", types))
                + (device.type().equals("opencl") ? " (put the gpu-kernels jar on the class path)" : ""));
    }

    /** Device types that have a provider on the class path, "cpu" first. */
    public static List<String> available() {
        var types = new ArrayList<String>(List.of("cpu"));
        for (var provider : ServiceLoader.load(BackendProvider.class)) types.add(provider.type());
        return types;
    }

    /** The backend shared by tensors, or a clear error when they live on different devices. */
    static Backend common(Tensor... tensors) {
        Device d = null;
        for (var t : tensors) {
            if (t == null) continue;
            if (d == null) d = t.device();
            else if (!d.equals(t.device()))
                throw new IllegalArgumentException("tensors are on different devices: " + d + " and " + t.device() + "; move them with to(device)");
        }
        return of(d == null ? Device.CPU : d);
    }
}
