package io.mater.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

/** Test-only reader of one F32 tensor from a safetensors file we generated (flat header, no nesting in tensors). */
final class F32Safetensors {
    /** A tensor's shape and values. */
    record Tensor(int[] shape, float[] data) {}

    private F32Safetensors() {}

    static Tensor read(Path file, String name) throws IOException {
        var bytes = Files.readAllBytes(file);
        var buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = (int) buf.getLong(0);
        var header = new String(bytes, 8, headerLen, StandardCharsets.UTF_8);
        var m = Pattern.compile("\"" + Pattern.quote(name)
                + "\":\\{\"dtype\":\"(\\w+)\",\"shape\":\\[([\\d,]*)\\],\"data_offsets\":\\[(\\d+),(\\d+)\\]\\}").matcher(header);
        if (!m.find()) throw new IOException(file + ": no tensor '" + name + "' in header " + header);
        if (!m.group(1).equals("F32")) throw new IOException(file + ": tensor '" + name + "' is " + m.group(1) + ", not F32");
        var shape = m.group(2).isEmpty() ? new int[0] : Arrays.stream(m.group(2).split(",")).mapToInt(Integer::parseInt).toArray();
        int from = Integer.parseInt(m.group(3)), to = Integer.parseInt(m.group(4));
        var data = new float[(to - from) / 4];
        buf.position(8 + headerLen + from);
        buf.asFloatBuffer().get(data);
        if (Arrays.stream(shape).reduce(1, (a, b) -> a * b) != data.length)
            throw new IOException(file + ": tensor '" + name + "' shape " + Arrays.toString(shape) + " does not match " + data.length + " floats");
        return new Tensor(shape, data);
    }
}
