package io.mater.vision;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Streams the frames of a video decoded by an {@code ffmpeg} child process, one frame at a time (the whole
 * video is never held), with exact presentation timestamps. Use with try-with-resources; {@link #close()}
 * stops the child process.
 *
 * <p>How: ffmpeg is run as
 * <pre>ffmpeg -nostdin [-ss S] [-t D] -i FILE -map 0:v:0 -vf [framestep=K,][scale=...,]format=gray|rgb24,showinfo
 *        -fps_mode passthrough -f rawvideo -pix_fmt gray|rgb24 pipe:1</pre>
 * Raw frames arrive on stdout. {@code -fps_mode passthrough} makes ffmpeg emit every decoded frame exactly once
 * (no duplication or dropping to a constant rate), so variable-frame-rate files keep their real timing. The
 * {@code showinfo} filter, the last in the chain, logs each frame's pts (in the filter time base it also logs)
 * and size on stderr before the frame reaches the output; a reader thread parses those lines and the i-th
 * line is paired with the i-th frame on stdout. The time of a frame is pts * time_base (+ S when seeking),
 * i.e. the presentation time on the file's timeline as ffmpeg reports it (ffmpeg shifts timestamps so the
 * container starts at 0; a stream that starts later, e.g. FLV video at 0.027 s, keeps its offset). This is
 * also the timeline of {@link AudioExtractor}'s samples.
 *
 * <p>Failures (ffmpeg missing, file missing or unreadable, no video stream, ffmpeg error) raise a
 * {@link VideoException} naming the file and quoting the last lines of ffmpeg's stderr.
 */
public final class VideoDecoder implements Iterator<Frame>, AutoCloseable {
    private static final Pattern SHOWINFO = Pattern.compile("^\\[Parsed_showinfo_\\d+ @ [^]]*] ?(.*)$");
    private static final Pattern TIME_BASE = Pattern.compile("config in time_base: (\\d+)/(\\d+)");
    private static final Pattern FRAME = Pattern.compile(
            "^n:\\s*(\\d+)\\s+pts:\\s*(\\S+)\\s+pts_time:(\\S+).*?\\ss:(\\d+)x(\\d+)\\s");

    /** A showinfo record: the output frame's pts (seconds, NaN if unknown) and size. */
    private record Meta(int n, double time, int width, int height) {}

    private static final Meta END = new Meta(-1, 0, 0, 0);

    private final Path file;
    private final DecodeOptions options;
    private final FfmpegProcess process;
    private final InputStream stdout;
    private final LinkedBlockingQueue<Meta> metas = new LinkedBlockingQueue<>();
    private volatile long tbNum, tbDen;
    private Frame pending;
    private boolean finished, closed;
    private int produced;
    private double lastTime = Double.NaN;

    private VideoDecoder(Ffmpeg ff, Path file, DecodeOptions options) {
        this.file = file;
        this.options = options;
        var cmd = new ArrayList<String>(List.of(ff.ffmpeg(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info"));
        cmd.addAll(options.inputOptions());
        cmd.addAll(List.of("-i", file.toString(), "-map", "0:v:0", "-an", "-sn", "-dn",
                "-vf", options.filterChain(), "-fps_mode", "passthrough",
                "-f", "rawvideo", "-pix_fmt", options.format().ffmpegName(), "pipe:1"));
        this.process = FfmpegProcess.start(file, cmd, this::onStderr);
        this.stdout = process.stdout();
    }

    /** Opens a video with the system's ffmpeg. */
    public static VideoDecoder open(Path video, DecodeOptions options) {
        return open(Ffmpeg.system(), video, options);
    }

    public static VideoDecoder open(Ffmpeg ffmpeg, Path video, DecodeOptions options) {
        if (!Files.isRegularFile(video)) throw new VideoException(video, "video file not found: " + video);
        return new VideoDecoder(ffmpeg, video, options);
    }

    /** All frames in memory (convenient for short clips). */
    public static List<Frame> readAll(Path video, DecodeOptions options) {
        return readAll(Ffmpeg.system(), video, options);
    }

    public static List<Frame> readAll(Ffmpeg ffmpeg, Path video, DecodeOptions options) {
        var out = new ArrayList<Frame>();
        try (var d = open(ffmpeg, video, options)) {
            while (d.hasNext()) out.add(d.next());
        }
        return out;
    }

    /** The frames as a sequential stream; closing the stream closes the decoder. */
    public Stream<Frame> stream() {
        var split = Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(split, false).onClose(this::close);
    }

    public Path file() {
        return file;
    }

    public DecodeOptions options() {
        return options;
    }

    /**
     * Error lines ffmpeg printed so far (say, for a damaged or truncated file, where ffmpeg skips what it
     * cannot decode and goes on: fewer frames, no exception). Empty for a clean decode.
     */
    public List<String> decodeErrors() {
        return process.errors();
    }

    /** Process id of the ffmpeg child (to check that none is left behind). */
    public long processId() {
        return process.pid();
    }

    @Override
    public boolean hasNext() {
        if (pending != null) return true;
        if (finished || closed) return false;
        pending = readFrame();
        if (pending == null) finish();
        return pending != null;
    }

    @Override
    public Frame next() {
        if (!hasNext()) throw new NoSuchElementException("no more frames in " + file);
        Frame f = pending;
        pending = null;
        return f;
    }

    private Frame readFrame() {
        Meta m;
        try {
            m = metas.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new VideoException(file, "interrupted while decoding " + file, e);
        }
        if (m == END) {
            metas.add(END);
            return null;
        }
        int bytes = Math.multiplyExact(Math.multiplyExact(m.width, m.height), options.format().bytesPerPixel());
        var buf = new byte[bytes];
        int got;
        try {
            got = stdout.readNBytes(buf, 0, bytes);
        } catch (IOException e) {
            if (closed) return null;
            throw new VideoException(file, "cannot read decoded frames of " + file + ": " + e.getMessage(), e);
        }
        if (got == 0) return null; // ffmpeg reported a frame it did not write (end of output)
        if (got < bytes) {
            int code = process.waitFor();
            if (code != 0) throw process.failure("decode video from", code);
            throw new VideoException(file, "truncated frame " + produced + " in " + file + ": " + got + " of " + bytes + " bytes");
        }
        double t = m.time;
        if (Double.isNaN(t)) t = Double.isNaN(lastTime) ? 0 : lastTime; // no pts: reuse the previous time
        t += options.start();
        lastTime = t - options.start();
        int index = produced * options.frameStep();
        produced++;
        return new Frame(index, t, m.width, m.height, options.format(), buf);
    }

    private void finish() {
        finished = true;
        int code = process.waitFor();
        if (code != 0 && !closed) {
            process.close();
            throw process.failure("decode video from", code);
        }
        process.close();
    }

    /** Parses showinfo lines from ffmpeg's stderr; returns true for the lines it consumed. */
    private boolean onStderr(String line) {
        if (line == null) {
            metas.add(END);
            return true;
        }
        Matcher sm = SHOWINFO.matcher(line);
        if (!sm.matches()) return false;
        String body = sm.group(1);
        Matcher tb = TIME_BASE.matcher(body);
        if (tb.find()) {
            tbNum = Long.parseLong(tb.group(1));
            tbDen = Long.parseLong(tb.group(2));
            return true;
        }
        Matcher fm = FRAME.matcher(body + " ");
        if (fm.find()) {
            double time = Double.NaN;
            String pts = fm.group(2);
            if (pts.matches("-?\\d+") && tbDen > 0) {
                time = Long.parseLong(pts) * (double) tbNum / tbDen;
            } else if (fm.group(3).matches("[-+0-9.eE]+")) {
                time = Double.parseDouble(fm.group(3));
            }
            metas.add(new Meta(Integer.parseInt(fm.group(1)), time, Integer.parseInt(fm.group(4)),
                    Integer.parseInt(fm.group(5))));
        }
        return true; // other showinfo lines (side data, colour info) are noise
    }

    /** Stops decoding: the ffmpeg child is destroyed if still running and waited for. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pending = null;
        process.close();
    }
}
