package io.mater.engine.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file atomically: the body goes to a temp file in the target's directory, which is flushed to disk
 * and then renamed over the target ({@code ATOMIC_MOVE, REPLACE_EXISTING}). Readers see the old file or the
 * new one, never a half-written one; if anything fails the temp file is deleted and the old file is untouched.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes the file's bytes to the channel. */
    @FunctionalInterface
    public interface Body {
        void writeTo(FileChannel out) throws IOException;
    }

    public static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null) throw new IOException(target + ": cannot write a file at the root of the file system");
        if (Files.isDirectory(abs)) throw new IOException(target + ": is a directory");
        Path tmp = createTemp(dir, abs.getFileName().toString());
        boolean done = false;
        try {
            try (var ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                body.writeTo(ch);
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException suppressed) {
                    // the original failure matters more; a stray temp file is harmless
                }
            }
        }
    }

    /** ".name.RANDOM.tmp" in dir. Not Files.createTempFile: that makes the file owner-only (0600), this honours the umask. */
    private static Path createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) throw e;
            }
        }
    }
}
