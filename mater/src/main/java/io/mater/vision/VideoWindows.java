package io.mater.vision;

import io.mater.engine.Parallel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Per-window face embeddings of a clip, on the audio clock: window w (0-based) covers the frames whose time t
 * satisfies start + w * seconds <= t < start + (w + 1) * seconds, where start is the time of the audio's first
 * sample on the video's timeline (0 when the audio is the container's own track as {@link AudioExtractor} reads
 * it). The window's embedding is the mean of the crop embeddings of its frames with a face, l2-normalised
 * (v / max(||v||, 1e-12)).
 *
 * <p>No-face windows: a window with no face frame (no face found, or past the end of the video) is the zero
 * vector with mask 0; windows with a face have mask 1. The zero vector is what the store holds for them, and
 * the mask (the store's {@code face_mask}) says which windows the model should ignore.
 *
 * <p>Crops are embedded in batches of {@code batch} frames; {@link #embed(VideoFaces.Result, ...)} is pure, so
 * callers run clips in parallel (e.g. on {@link io.mater.engine.Parallel}).
 */
public final class VideoWindows {
    private VideoWindows() {}

    /**
     * @param embeddings [T, D], row-major
     * @param mask       [T]: whether window t holds at least one face frame
     * @param frames     frames decoded
     * @param faceFrames frames with a face that fell into a window (and were embedded)
     */
    public record Embedded(float[] embeddings, boolean[] mask, int frames, int faceFrames) {
        public float[] maskFloats() {
            var m = new float[mask.length];
            for (int i = 0; i < m.length; i++) m[i] = mask[i] ? 1f : 0f;
            return m;
        }
    }

    /** Window index of a frame at {@code time}, or -1 outside the windows. */
    public static int windowOf(double time, double start, double seconds, int count) {
        double w = Math.floor((time - start) / seconds + 1e-9);
        return w < 0 || w >= count ? -1 : (int) w;
    }

    /** Window embeddings from a clip's crops (the crops must be embedder.size() pixels square). */
    public static Embedded embed(VideoFaces.Result r, int count, double seconds, double start, CropEmbedder embedder, int batch) {
        if (count < 1 || !(seconds > 0)) throw new IllegalArgumentException("need >= 1 windows of > 0 s, got " + count + " x " + seconds);
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        int s = embedder.size(), px = s * s, d = embedder.dim();
        var sum = new double[count * d];
        var n = new int[count];
        var pending = new float[batch * px];
        var pendingWindow = new int[batch];
        int k = 0, faces = 0;
        for (int i = 0; i < r.times().length; i++) {
            float[] c = r.crops()[i];
            int w = windowOf(r.times()[i], start, seconds, count);
            if (c == null || w < 0) continue;
            if (c.length != px)
                throw new IllegalArgumentException(r.video() + ": crop of " + c.length + " floats, but " + embedder.name() + " takes " + s + " x " + s);
            System.arraycopy(c, 0, pending, k * px, px);
            pendingWindow[k++] = w;
            faces++;
            if (k == batch) {
                accumulate(embedder, pending, pendingWindow, k, sum, n, d);
                k = 0;
            }
        }
        if (k > 0) accumulate(embedder, Arrays.copyOf(pending, k * px), pendingWindow, k, sum, n, d);
        var out = new float[count * d];
        var mask = new boolean[count];
        for (int w = 0; w < count; w++) {
            if (n[w] == 0) continue;
            mask[w] = true;
            double ss = 0;
            for (int j = 0; j < d; j++) {
                double m = sum[w * d + j] / n[w];
                ss += m * m;
            }
            double scale = 1.0 / Math.max(Math.sqrt(ss), 1e-12);
            for (int j = 0; j < d; j++) out[w * d + j] = (float) (sum[w * d + j] / n[w] * scale);
        }
        return new Embedded(out, mask, r.times().length, faces);
    }

    private static void accumulate(CropEmbedder e, float[] crops, int[] window, int k, double[] sum, int[] n, int d) {
        float[] emb = e.embed(k * e.size() * e.size() == crops.length ? crops : Arrays.copyOf(crops, k * e.size() * e.size()), k);
        for (int i = 0; i < k; i++) {
            int w = window[i];
            n[w]++;
            for (int j = 0; j < d; j++) sum[w * d + j] += emb[i * d + j];
        }
    }

    /**
     * The whole chain for one video: detect, track, crop at the embedder's size (margin and border from
     * {@code o.crop()}, pixel values in [0, 1]), embed per window.
     */
    public static Embedded embed(VideoFaces faces, Path video, VideoFaces.Options o, int count, double seconds, double start,
                                 CropEmbedder embedder, int batch) {
        var crop = o.crop().withSize(embedder.size()).withScale(1f / 255f).withNormalization(FaceCrop.Normalization.NONE);
        var opts = new VideoFaces.Options(o.detectEvery(), o.detectWidth(), o.cropEvery(), o.detector(), o.tracker(), crop);
        return embed(faces.extract(video, opts), count, seconds, start, embedder, batch);
    }

    /**
     * Window embeddings of many clips, [N, T, D] flat, their masks [N, T], and per clip the reason it failed
     * (null when it did not; a failed clip keeps zeros and mask 0).
     */
    public record Batch(float[] embeddings, float[] mask, String[] errors, long frames, long faceFrames, double seconds) {
        /** Decoded frames per second of wall time, over all clips. */
        public double framesPerSecond() {
            return frames / Math.max(seconds, 1e-9);
        }
    }

    /**
     * Embeds every video on {@link Parallel}'s threads (the detector is shared; it is thread-safe), one clip per task, each into its own slot (so the
     * result does not depend on the thread count). {@code audioFromVideo[i]} says whether clip i's audio is the
     * video's own track (window start 0) or a separate recording that starts with the video's audio stream
     * (window start = that stream's start time, from ffprobe). {@code done} is called with (clips done, video).
     */
    public static Batch embedAll(Ffmpeg ffmpeg, FaceDetector detector, List<Path> videos, boolean[] audioFromVideo, VideoFaces.Options o, int count, double seconds,
                                 CropEmbedder embedder, int batch, BiConsumer<Integer, Path> done) {
        int n = videos.size(), d = embedder.dim();
        var out = new float[n * count * d];
        var mask = new float[n * count];
        var errors = new String[n];
        var frames = new AtomicLong();
        var faceFrames = new AtomicLong();
        var finished = new AtomicInteger();
        long t0 = System.nanoTime();
        Parallel.range(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                Path v = videos.get(i);
                try {
                    double start = 0;
                    if (!audioFromVideo[i]) {
                        var a = VideoInfo.probe(ffmpeg, v).audio();
                        if (a.isPresent() && Double.isFinite(a.get().startTime())) start = a.get().startTime();
                    }
                    var e = embed(new VideoFaces(detector, ffmpeg), v, o, count, seconds, start, embedder, batch);
                    System.arraycopy(e.embeddings(), 0, out, i * count * d, count * d);
                    System.arraycopy(e.maskFloats(), 0, mask, i * count, count);
                    frames.addAndGet(e.frames());
                    faceFrames.addAndGet(e.faceFrames());
                } catch (RuntimeException ex) {
                    errors[i] = ex instanceof VideoException ? ex.getMessage() : v + ": " + ex;
                }
                int k = finished.incrementAndGet();
                if (done != null) synchronized (done) {
                    done.accept(k, v);
                }
            }
        });
        return new Batch(out, mask, errors, frames.get(), faceFrames.get(), (System.nanoTime() - t0) / 1e9);
    }
}
