package io.mater.experiment;

import io.mater.engine.Rng;
import io.mater.engine.Tensor;

/**
 * Noise injection (paper Section 5): n randomly chosen windows of every clip are replaced by Gaussian noise
 * with a given mean and standard deviation, at independently drawn positions per clip.
 */
public final class Noise {
    private Noise() {}

    /** Mean and std of the replacement noise. */
    public record Stats(double mean, double std) {
        public static final Stats UNIT = new Stats(0, 1);

        /** The mean and std of all values of x (e.g. a training set's embeddings). */
        public static Stats of(Tensor x) {
            float[] d = x.contiguous().toArray();
            double s = 0, s2 = 0;
            for (float v : d) s += v;
            double m = s / Math.max(1, d.length);
            for (float v : d) s2 += (v - m) * (v - m);
            return new Stats(m, Math.sqrt(s2 / Math.max(1, d.length)));
        }
    }

    /** x [N, T, d] with n windows per clip replaced (a copy; x itself is untouched). n = 0 returns x. */
    public static Tensor replace(Tensor x, int n, Stats stats, Rng rng) {
        int clips = x.size(0), t = x.size(1), d = x.size(2);
        if (n < 0 || n > t) throw new IllegalArgumentException("cannot replace " + n + " of " + t + " windows");
        if (n == 0) return x;
        float[] out = x.contiguous().toArray().clone();
        for (int c = 0; c < clips; c++) {
            for (int w : positions(t, n, rng)) {
                int at = (c * t + w) * d;
                for (int j = 0; j < d; j++) out[at + j] = (float) (stats.mean() + stats.std() * rng.nextGaussian());
            }
        }
        return Tensor.of(out, clips, t, d);
    }

    /** n distinct window indices out of t, drawn uniformly (partial Fisher-Yates). */
    static int[] positions(int t, int n, Rng rng) {
        int[] idx = new int[t];
        for (int i = 0; i < t; i++) idx[i] = i;
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(t - i);
            int tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
        }
        return java.util.Arrays.copyOf(idx, n);
    }

    /** A seed for one (fold, target, n, repetition) cell that does not depend on evaluation order. */
    static long seed(long base, int fold, int target, int n, int rep) {
        long h = base * 0x9E3779B97F4A7C15L;
        for (int v : new int[] {fold, target, n, rep}) h = (h ^ v) * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        return h;
    }
}
