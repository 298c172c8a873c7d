package io.mater.vision;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One run of ffmpeg or ffprobe: stdout is read by the caller, stderr is drained by a daemon thread (so the
 * child can never block on a full stderr pipe). Each stderr line is first offered to a listener; lines it
 * does not take are kept, the last {@value #TAIL_LINES} of them, for error messages.
 * {@link #close()} destroys the process if it is still running and waits for it, so none is left behind.
 */
final class FfmpegProcess implements AutoCloseable {
    static final int TAIL_LINES = 12;

    private final Path file;
    private final String tool;
    private final Process process;
    private final InputStream stdout;
    private final Thread drain;
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final List<String> errors = new ArrayList<>();

    private FfmpegProcess(Path file, String tool, Process process, Predicate<String> listener) {
        this.file = file;
        this.tool = tool;
        this.process = process;
        this.stdout = new BufferedInputStream(process.getInputStream(), 1 << 16);
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // stdin is not used (-nostdin); nothing to do if it is already gone
        }
        this.drain = Thread.ofPlatform().daemon().name("ffmpeg-stderr-" + process.pid()).start(() -> {
            try (Reader r = new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)) {
                var line = new StringBuilder();
                int c;
                while ((c = r.read()) >= 0) {
                    if (c == '\n' || c == '\r') {
                        emit(line.toString(), listener);
                        line.setLength(0);
                    } else {
                        line.append((char) c);
                    }
                }
                emit(line.toString(), listener);
            } catch (IOException ignored) {
                // the process was destroyed; its stderr is gone
            } finally {
                listener.test(null);
            }
        });
    }

    private void emit(String line, Predicate<String> listener) {
        if (line.isEmpty()) return;
        if (listener.test(line)) return;
        synchronized (tail) {
            if (tail.size() == TAIL_LINES) tail.removeFirst();
            tail.addLast(line);
            if (errors.size() < TAIL_LINES && looksLikeError(line)) errors.add(line);
        }
    }

    private static boolean looksLikeError(String line) {
        return line.contains("Error") || line.contains("error") || line.contains("Invalid") || line.contains("partial file")
                || line.contains("corrupt");
    }

    /** The first stderr lines that report errors (ffmpeg goes on after many decoding errors). */
    List<String> errors() {
        synchronized (tail) {
            return List.copyOf(errors);
        }
    }

    /**
     * Starts {@code command}; the listener sees every stderr line (and null once at the end) and returns true
     * for the lines it consumed.
     */
    static FfmpegProcess start(Path file, List<String> command, Predicate<String> listener) {
        String tool = command.get(0);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new VideoException(file, "cannot run '" + tool + "' to read " + file + ": " + e.getMessage()
                    + " (install ffmpeg, e.g. apt-get install ffmpeg, or set -Dmater.ffmpeg / -Dmater.ffprobe)", e);
        }
        return new FfmpegProcess(file, tool, p, listener);
    }

    InputStream stdout() {
        return stdout;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end (and its stderr to be drained); returns the exit code. */
    int waitFor() {
        try {
            int code = process.waitFor();
            drain.join(10_000);
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new VideoException(file, "interrupted while waiting for " + tool + " on " + file, e);
        }
    }

    /** The last stderr lines not consumed by the listener, joined. */
    String tail() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    /** A clear error for a failed run: names the file, recognises common causes, and quotes stderr. */
    VideoException failure(String what, int exitCode) {
        String t = tail();
        String cause;
        if (t.contains("No such file or directory")) cause = "file not found or unreadable";
        else if (t.contains("Permission denied")) cause = "permission denied";
        else if (t.contains("Invalid data found when processing input")) cause = "not a media file ffmpeg can read";
        else if (t.contains("matches no streams") && what.contains("video")) cause = "it has no video stream";
        else if (t.contains("matches no streams") && what.contains("audio")) cause = "it has no audio stream";
        else cause = tool + " exited with code " + exitCode;
        return new VideoException(file, "cannot " + what + " " + file + ": " + cause
                + (t.isEmpty() ? "" : "\n" + tool + " said:\n" + t));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            stdout.close();
        } catch (IOException ignored) {
            // closing a dead pipe
        }
        try {
            drain.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
