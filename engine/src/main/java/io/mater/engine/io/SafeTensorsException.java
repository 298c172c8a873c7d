package io.mater.engine.io;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that is malformed, or holds values that cannot be read as requested. */
public final class SafeTensorsException extends IOException {
    private final transient Path file;
    private final String tensor;

    public SafeTensorsException(Path file, String tensor, String message) {
        this(file, tensor, message, null);
    }

    public SafeTensorsException(Path file, String tensor, String message, Throwable cause) {
        super(file + ": " + (tensor == null ? "" : "tensor " + quote(tensor) + ": ") + message, cause);
        this.file = file;
        this.tensor = tensor;
    }

    public Path file() {
        return file;
    }

    /** The tensor the problem is about, or null when it concerns the whole file. */
    public String tensor() {
        return tensor;
    }

    /** A name in double quotes, with quotes, backslashes and control characters escaped so that it reads unambiguously. */
    static String quote(String name) {
        var sb = new StringBuilder("\"");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20 || c == 0x7F) sb.append(String.format("\\u%04X", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }
}
