package io.mater.engine;

import java.util.Locale;

/**
 * A device that tensors live on: {@code cpu}, or {@code type:index} for a backend plugged in through
 * {@link BackendProvider} (for example {@code opencl:0}).
 */
public record Device(String type, int index) {
    public static final Device CPU = new Device("cpu", 0);

    public Device {
        type = type.toLowerCase(Locale.ROOT);
        if (index < 0) throw new IllegalArgumentException("device index must be >= 0, got " + index);
    }

    /** Parses {@code cpu}, {@code opencl}, {@code opencl:1}. */
    public static Device parse(String spec) {
        var s = spec.trim();
        int colon = s.indexOf(':');
        if (colon < 0) return new Device(s, 0);
        try {
            return new Device(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device '" + spec + "': expected TYPE or TYPE:INDEX, e.g. cpu or opencl:0");
        }
    }

    public boolean isCpu() {
        return type.equals("cpu");
    }

    @Override
    public String toString() {
        return isCpu() ? "cpu" : type + ":" + index;
    }
}
