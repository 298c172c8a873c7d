package io.mater.audio;

import io.mater.engine.Parallel;

/**
 * VGGish's log-mel front end for mono 16 kHz samples in [-1, 1] ({@code log_mel} in
 * {@code shared/reference/mater_ref.py} is the spec): frames of {@link #WINDOW} = 400 samples (25 ms)
 * every {@link #HOP} = 160 samples (10 ms), each multiplied by a periodic Hann window, zero-padded to
 * 512 points, |rfft| (magnitude, not power), times a [257, 64] matrix of triangular HTK-mel filters
 * spanning 125..7500 Hz with the DC bin's row zeroed, then log(mel + 0.01).
 *
 * <p>Frame f covers samples [160 f, 160 f + 400); a signal of N samples has 1 + (N - 400) / 160 whole
 * frames (0 when N < 400); a trailing partial frame is dropped. All-zero input gives exactly
 * {@link #SILENCE} = log(0.01) in every band. Output is row-major [frames, 64]. Stateless and thread-safe;
 * frames are computed in parallel chunks on {@link Parallel} (each frame independently, so the result does
 * not depend on the thread count).
 */
public final class LogMel {
    public static final int SAMPLE_RATE = 16000;
    public static final int WINDOW = 400;
    public static final int HOP = 160;
    public static final int FFT_SIZE = 512;
    public static final int BANDS = 64;
    public static final double MEL_LOW_HZ = 125, MEL_HIGH_HZ = 7500;
    public static final double LOG_OFFSET = 0.01;
    /** log(0 + 0.01): the value of every band for silence, used to pad short clips. */
    public static final float SILENCE = (float) Math.log(LOG_OFFSET);

    private static final Fft FFT = new Fft(FFT_SIZE);
    private static final double[] HANN = new double[WINDOW];
    private static final int[] FIRST_BIN = new int[BANDS]; // first nonzero bin of each band
    private static final double[][] WEIGHTS = new double[BANDS][]; // [band][bins from FIRST_BIN]

    static {
        for (int t = 0; t < WINDOW; t++) HANN[t] = 0.5 - 0.5 * Math.cos(2 * Math.PI * t / WINDOW);
        var w = melMatrix();
        for (int b = 0; b < BANDS; b++) {
            int lo = 0, hi = FFT.bins();
            while (lo < hi && w[lo][b] == 0) lo++;
            while (hi > lo && w[hi - 1][b] == 0) hi--;
            if (lo == hi) throw new AssertionError("mel band " + b + " has no FFT bins");
            FIRST_BIN[b] = lo;
            WEIGHTS[b] = new double[hi - lo];
            for (int k = lo; k < hi; k++) WEIGHTS[b][k - lo] = w[k][b];
        }
    }

    private LogMel() {}

    /** Hertz to HTK mel: 1127 ln(1 + f / 700). */
    public static double hzToMel(double hz) {
        return 1127.0 * Math.log(1.0 + hz / 700.0);
    }

    /** The dense [257][64] mel filter matrix (bin k at k * 8000 / 256 Hz), DC row zeroed. */
    public static double[][] melMatrix() {
        int bins = FFT_SIZE / 2 + 1;
        double lowMel = hzToMel(MEL_LOW_HZ), highMel = hzToMel(MEL_HIGH_HZ);
        var edges = new double[BANDS + 2];
        for (int i = 0; i < edges.length; i++) edges[i] = lowMel + (highMel - lowMel) * i / (BANDS + 1);
        var w = new double[bins][BANDS];
        for (int k = 1; k < bins; k++) { // k = 0 (DC) stays zero
            double mel = hzToMel(SAMPLE_RATE / 2.0 * k / (bins - 1));
            for (int b = 0; b < BANDS; b++) {
                double lo = edges[b], c = edges[b + 1], hi = edges[b + 2];
                w[k][b] = Math.max(0.0, Math.min((mel - lo) / (c - lo), (hi - mel) / (hi - c)));
            }
        }
        return w;
    }

    /** Whole frames in n samples: 1 + (n - 400) / 160, or 0 when n < 400. */
    public static int frames(int samples) {
        return samples < WINDOW ? 0 : 1 + (samples - WINDOW) / HOP;
    }

    /** Samples needed for f whole frames: 160 (f - 1) + 400, or 0 for f = 0. */
    public static int samplesFor(int frames) {
        return frames == 0 ? 0 : HOP * (frames - 1) + WINDOW;
    }

    /** Log-mel of every whole frame: [frames(x.length), 64]. */
    public static float[] compute(float[] samples) {
        return compute(samples, frames(samples.length));
    }

    /** Log-mel of the first {@code frames} frames: [frames, 64]; samples must hold them all. */
    public static float[] compute(float[] samples, int frames) {
        if (frames < 0 || samplesFor(frames) > samples.length)
            throw new IllegalArgumentException("log-mel of " + frames + " frames needs " + samplesFor(frames) + " samples, got "
                    + samples.length);
        var out = new float[frames * BANDS];
        Parallel.range(frames, 32, (from, to) -> {
            var frame = new double[FFT_SIZE];
            var re = new double[FFT.bins()];
            var im = new double[FFT.bins()];
            var mag = new double[FFT.bins()];
            for (int f = from; f < to; f++) {
                int start = f * HOP;
                for (int t = 0; t < WINDOW; t++) frame[t] = samples[start + t] * HANN[t]; // frame[400..511] stay 0
                FFT.forward(frame, 0, re, im);
                for (int k = 0; k < mag.length; k++) mag[k] = Math.sqrt(re[k] * re[k] + im[k] * im[k]);
                for (int b = 0; b < BANDS; b++) {
                    var w = WEIGHTS[b];
                    int k0 = FIRST_BIN[b];
                    double mel = 0;
                    for (int j = 0; j < w.length; j++) mel += mag[k0 + j] * w[j];
                    out[f * BANDS + b] = (float) Math.log(mel + LOG_OFFSET);
                }
            }
        });
        return out;
    }
}
