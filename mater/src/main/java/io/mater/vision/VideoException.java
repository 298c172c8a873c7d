package io.mater.vision;

import java.nio.file.Path;

/** Decoding a video (or its audio) failed; the message names the file and says why. */
public final class VideoException extends RuntimeException {
    private final transient Path file;

    public VideoException(Path file, String message) {
        super(message);
        this.file = file;
    }

    public VideoException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The video the failure concerns. */
    public Path file() {
        return file;
    }
}
