package io.mater.engine;

/**
 * A seeded pseudo-random generator (xoshiro128** seeded through splitmix64). Small, fast, and
 * reproducible: the same seed gives the same stream on every platform. Its whole state is four ints, so
 * checkpoints can save and restore it exactly ({@link #state()}, {@link #setState(long[])}).
 */
public final class Rng {
    private int s0, s1, s2, s3;
    private boolean haveSpare;
    private float spare;

    public Rng(long seed) {
        long z = seed;
        long a = splitmix(z += 0x9E3779B97F4A7C15L);
        long b = splitmix(z += 0x9E3779B97F4A7C15L);
        s0 = (int) a;
        s1 = (int) (a >>> 32);
        s2 = (int) b;
        s3 = (int) (b >>> 32);
        if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
    }

    static long splitmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Next 32 random bits. */
    public int nextInt() {
        int result = Integer.rotateLeft(s1 * 5, 7) * 9;
        int t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Integer.rotateLeft(s3, 11);
        return result;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        long r = (nextInt() & 0xFFFFFFFFL) * bound;
        return (int) (r >>> 32);
    }

    /** Next 64 random bits. */
    public long nextLong() {
        return ((long) nextInt() << 32) ^ (nextInt() & 0xFFFFFFFFL);
    }

    /** Uniform float in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextInt() >>> 8) * 0x1.0p-24f;
    }

    /** Uniform double in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Standard normal (Box–Muller, computed in double, the second value kept for the next call). */
    public float nextGaussian() {
        if (haveSpare) {
            haveSpare = false;
            return spare;
        }
        double u1, u2;
        do {
            u1 = nextDouble();
        } while (u1 <= 1e-300);
        u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        spare = (float) (r * Math.sin(2 * Math.PI * u2));
        haveSpare = true;
        return (float) (r * Math.cos(2 * Math.PI * u2));
    }

    /** Fisher–Yates shuffle of a permutation 0..n-1. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The whole state, for checkpoints. */
    public long[] state() {
        return new long[] {s0, s1, s2, s3, haveSpare ? 1 : 0, Float.floatToRawIntBits(spare)};
    }

    public void setState(long[] st) {
        if (st.length != 6) throw new IllegalArgumentException("Rng state must have 6 values, got " + st.length);
        s0 = (int) st[0];
        s1 = (int) st[1];
        s2 = (int) st[2];
        s3 = (int) st[3];
        haveSpare = st[4] != 0;
        spare = Float.intBitsToFloat((int) st[5]);
    }

    /**
     * Counter-based hash: a uniform float in [0, 1) from (seed, index) alone (murmur3's 32-bit finaliser over
     * the index mixed with the seed). Dropout masks use it, so a mask does not depend on how work is split
     * over threads or devices; {@link #hashKeys(long)} gives the two 32-bit keys that kernels use.
     */
    public static float hashUniform(long seed, int index) {
        int[] k = hashKeys(seed);
        return hashUniform(k[0], k[1], index);
    }

    /** The two 32-bit keys derived from a dropout seed. */
    public static int[] hashKeys(long seed) {
        long z = splitmix(seed);
        return new int[] {(int) z, (int) (z >>> 32)};
    }

    /** hashUniform with the keys precomputed. */
    public static float hashUniform(int key0, int key1, int index) {
        int h = index * 0x9E3779B9 + key0;
        h ^= key1;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return (h >>> 8) * 0x1.0p-24f;
    }
}
