package io.mater.cli;

import io.mater.engine.Backends;
import io.mater.engine.Device;

/**
 * {@code --device cpu|opencl[:N]|tornado[:N]}: parses the option and opens the backend, or fails naming the fix.
 * tornado is there only when launched through a TornadoVM SDK (see README, "TornadoVM backend").
 */
final class DeviceOption {
    private DeviceOption() {}

    static Device open(Args a) {
        String spec = a.string("device", "cpu");
        Device device;
        try {
            device = Device.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--device " + spec + ": expected cpu, opencl[:N] or tornado[:N]");
        }
        if (device.isCpu()) return device;
        if (!device.type().equals("opencl") && !Backends.available().contains(device.type()))
            throw new Args.UsageException("--device " + spec + ": expected cpu, opencl[:N] or tornado[:N]"
                    + (device.type().equals("tornado") ? " (tornado needs the TornadoVM SDK: set TORNADOVM_HOME and use ./mater.sh)" : ""));
        try {
            var backend = Backends.of(device);
            System.err.println("device " + device + ": " + describe(backend));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("--device " + spec + ": " + e.getMessage(), e);
        }
        return device;
    }

    private static String describe(io.mater.engine.Backend backend) {
        try {
            var m = backend.getClass().getMethod("describe");
            return String.valueOf(m.invoke(backend));
        } catch (ReflectiveOperationException e) {
            return backend.getClass().getSimpleName();
        }
    }
}
