package io.mater.audio;

import java.util.Arrays;

/**
 * Cuts a clip into T non-overlapping time windows aligned to the clip start, each a log-mel patch of
 * {@code patchFrames} x 64 (the paper: 0.5 s windows as 48 x 64 patches, 0.25 s windows as 24 x 64).
 *
 * <p>The rule, with frames at hop 10 ms (frame f covers samples [160 f, 160 f + 400) at 16 kHz):
 * window w (0-based) covers frames [w * strideFrames, w * strideFrames + patchFrames), where
 * strideFrames = round(window seconds / 0.01) and patchFrames = floor(0.96 * strideFrames), so 0.5 s gives
 * stride 50 and patch 48, 0.25 s gives 25 and 24, 1 s gives 100 and 96 (VGGish's 0.96 s example).
 * Window w therefore starts exactly at w times the window length. Its frames span
 * 160 (patchFrames - 1) + 400 samples: 7,920 (495 ms) for 0.5 s, inside the window; 4,080 (255 ms) for
 * 0.25 s, which reads 5 ms into the next window (unavoidable with 24 frames of 25 ms at hop 10 ms).
 *
 * <p>Short and long clips: {@link #patches(float[])} zero-pads the signal (or cuts it) to exactly the
 * {@link #samplesNeeded()} samples the last window's last frame ends at, then computes the log-mel. No
 * frame ever reads past the signal: a frame wholly in the padding is exactly {@link LogMel#SILENCE}
 * (log(0 + 0.01)) in every band, and a frame that straddles the end sees the tail followed by zeros.
 * Samples beyond the last window are ignored. An 8 x 0.5 s cut of a RAVDESS clip (3-5 s) thus reads
 * 3.995 s at most; shorter clips end in silence patches.
 *
 * <p>Output layout: [count, patchFrames, 64], row-major.
 */
public record TimeWindows(int count, int strideFrames, int patchFrames) {
    public TimeWindows {
        if (count < 1) throw new IllegalArgumentException("window count must be >= 1, got " + count);
        if (patchFrames < 1 || patchFrames > strideFrames)
            throw new IllegalArgumentException("patch of " + patchFrames + " frames must be 1.." + strideFrames + " (the stride)");
    }

    /** count windows of the given length in seconds (a multiple of 10 ms, e.g. 0.25 or 0.5). */
    public static TimeWindows of(int count, double seconds) {
        double hops = seconds * LogMel.SAMPLE_RATE / LogMel.HOP;
        long stride = Math.round(hops);
        if (stride < 2 || Math.abs(hops - stride) > 1e-6)
            throw new IllegalArgumentException("window length " + seconds + " s is not a multiple of 10 ms of at least 20 ms");
        return new TimeWindows(count, (int) stride, (int) Math.floor(0.96 * stride + 1e-9));
    }

    /** Frames the windows use: the last window ends at frame (count - 1) * stride + patch. */
    public int framesNeeded() {
        return (count - 1) * strideFrames + patchFrames;
    }

    /** Samples at 16 kHz up to the end of the last window's last frame. */
    public int samplesNeeded() {
        return LogMel.samplesFor(framesNeeded());
    }

    /** Window length in seconds. */
    public double seconds() {
        return strideFrames * (double) LogMel.HOP / LogMel.SAMPLE_RATE;
    }

    /** Floats in one patch: patchFrames * 64. */
    public int patchSize() {
        return patchFrames * LogMel.BANDS;
    }

    /** Patches of a mono 16 kHz clip: [count, patchFrames, 64]. */
    public float[] patches(float[] samples16k) {
        int need = samplesNeeded();
        var x = samples16k.length == need ? samples16k : Arrays.copyOf(samples16k, need); // zero-pad or cut
        return cut(LogMel.compute(x, framesNeeded()), framesNeeded());
    }

    /**
     * Patches of an already computed log-mel [frames, 64]: [count, patchFrames, 64]; frames the clip does not
     * have are {@link LogMel#SILENCE}.
     */
    public float[] cut(float[] logMel, int frames) {
        int bands = LogMel.BANDS;
        if (frames < 0 || logMel.length < frames * bands)
            throw new IllegalArgumentException("log-mel of " + frames + " frames needs " + frames * bands + " floats, got " + logMel.length);
        var out = new float[count * patchSize()];
        for (int w = 0; w < count; w++) {
            int first = w * strideFrames, have = Math.max(0, Math.min(patchFrames, frames - first));
            int o = w * patchSize();
            if (have > 0) System.arraycopy(logMel, first * bands, out, o, have * bands);
            Arrays.fill(out, o + have * bands, o + patchSize(), LogMel.SILENCE);
        }
        return out;
    }

    /** Index of window w's first frame. */
    public int firstFrame(int w) {
        return w * strideFrames;
    }
}
