package io.mater.audio;

/**
 * A weight-free audio embedder that works out of the box: eight statistics of every mel band over the
 * patch's frames, l2-normalised (as the paper normalises VGGish embeddings). For 64 bands D = 8 x 64 = 512,
 * the paper's embedding size.
 *
 * <p>With x[t] = patch[t, b] - {@link LogMel#SILENCE} (so silence is 0) over the T frames of band b, and
 * d[t] = x[t + 1] - x[t], the layout is stat-major, [8, bands]:
 * <ol start="0">
 *   <li>mean of x</li>
 *   <li>standard deviation of x (population)</li>
 *   <li>min of x</li>
 *   <li>max of x</li>
 *   <li>linear trend: least-squares slope of x over t, times (T - 1) (the change across the patch)</li>
 *   <li>mean of |d| (how fast the band moves)</li>
 *   <li>standard deviation of d</li>
 *   <li>spectral shape: mean over t of (x[t] - the mean of all bands at frame t)</li>
 * </ol>
 * Statistics that need two frames are 0 when T = 1. An all-silence patch embeds to the zero vector.
 * Sums are in double; the result depends only on the patch.
 */
public final class BandStatsEmbedder implements AudioEmbedder {
    public static final int STATS = 8;
    private final int bands;

    /** For {@link LogMel#BANDS} = 64 bands: D = 512. */
    public BandStatsEmbedder() {
        this(LogMel.BANDS);
    }

    public BandStatsEmbedder(int bands) {
        if (bands < 1) throw new IllegalArgumentException("bands must be >= 1, got " + bands);
        this.bands = bands;
    }

    @Override
    public int dim() {
        return STATS * bands;
    }

    @Override
    public String name() {
        return "band-stats-" + dim();
    }

    @Override
    public float[] embed(float[] patch, int frames, int bands) {
        if (bands != this.bands) throw new IllegalArgumentException(name() + " expects " + this.bands + " bands, got " + bands);
        if (frames < 1 || patch.length != frames * bands)
            throw new IllegalArgumentException(name() + ": patch of " + frames + " x " + bands + " needs " + frames * bands
                    + " floats (frames >= 1), got " + patch.length);
        var frameMean = new double[frames];
        for (int t = 0; t < frames; t++) {
            double s = 0;
            for (int b = 0; b < bands; b++) s += patch[t * bands + b] - LogMel.SILENCE;
            frameMean[t] = s / bands;
        }
        double tMean = (frames - 1) / 2.0, tVar = 0;
        for (int t = 0; t < frames; t++) tVar += (t - tMean) * (t - tMean);
        var out = new float[dim()];
        for (int b = 0; b < bands; b++) {
            double sum = 0, sumSq = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, cov = 0, shape = 0;
            double dAbs = 0, dSum = 0, dSq = 0;
            double prev = 0;
            for (int t = 0; t < frames; t++) {
                double x = patch[t * bands + b] - LogMel.SILENCE;
                sum += x;
                sumSq += x * x;
                min = Math.min(min, x);
                max = Math.max(max, x);
                cov += (t - tMean) * x;
                shape += x - frameMean[t];
                if (t > 0) {
                    double d = x - prev;
                    dAbs += Math.abs(d);
                    dSum += d;
                    dSq += d * d;
                }
                prev = x;
            }
            double mean = sum / frames;
            out[b] = (float) mean;
            out[bands + b] = (float) Math.sqrt(Math.max(0, sumSq / frames - mean * mean));
            out[2 * bands + b] = (float) min;
            out[3 * bands + b] = (float) max;
            if (frames > 1) {
                int nd = frames - 1;
                double dMean = dSum / nd;
                out[4 * bands + b] = (float) (cov / tVar * (frames - 1));
                out[5 * bands + b] = (float) (dAbs / nd);
                out[6 * bands + b] = (float) Math.sqrt(Math.max(0, dSq / nd - dMean * dMean));
            }
            out[7 * bands + b] = (float) (shape / frames);
        }
        AudioEmbedder.l2Normalize(out);
        return out;
    }
}
