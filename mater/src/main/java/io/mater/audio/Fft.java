package io.mater.audio;

/**
 * Radix-2 FFT of real input of n = 2^k points, computed as one complex FFT of n/2 points (even samples
 * as real parts, odd samples as imaginary parts) followed by the split that recovers the n/2 + 1 bins of
 * the real signal. Doubles inside. The tables are immutable, so one instance serves many threads; each
 * call works in the caller's arrays.
 */
public final class Fft {
    private final int n, h;
    private final int[] bitrev; // [h]
    private final double[] twRe, twIm; // [h - 1]: stage len (2, 4, .., h) holds e^(-2 pi i j / len), j < len/2, from len/2 - 1
    private final double[] splitCos, splitSin; // [h/2 + 1]: e^(-2 pi i k / n) = splitCos[k] - i splitSin[k]

    public Fft(int n) {
        if (n < 4 || Integer.bitCount(n) != 1) throw new IllegalArgumentException("FFT size must be a power of two >= 4, got " + n);
        this.n = n;
        h = n / 2;
        int bits = Integer.numberOfTrailingZeros(h);
        bitrev = new int[h];
        for (int i = 0; i < h; i++) bitrev[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
        twRe = new double[Math.max(1, h - 1)];
        twIm = new double[Math.max(1, h - 1)];
        for (int len = 2; len <= h; len <<= 1)
            for (int j = 0; j < len / 2; j++) {
                twRe[len / 2 - 1 + j] = Math.cos(2 * Math.PI * j / len);
                twIm[len / 2 - 1 + j] = -Math.sin(2 * Math.PI * j / len);
            }
        splitCos = new double[h / 2 + 1];
        splitSin = new double[h / 2 + 1];
        for (int k = 0; k <= h / 2; k++) {
            splitCos[k] = Math.cos(2 * Math.PI * k / n);
            splitSin[k] = Math.sin(2 * Math.PI * k / n);
        }
    }

    public int size() {
        return n;
    }

    /** Number of output bins, n/2 + 1. */
    public int bins() {
        return h + 1;
    }

    /**
     * X[k] = sum_t x[t] e^(-2 pi i k t / n) for k = 0..n/2, into re and im (each of length >= n/2 + 1).
     * x holds n samples from offset xo.
     */
    public void forward(double[] x, int xo, double[] re, double[] im) {
        for (int m = 0; m < h; m++) { // z[m] = x[2m] + i x[2m+1], in bit-reversed order
            int r = bitrev[m];
            re[r] = x[xo + 2 * m];
            im[r] = x[xo + 2 * m + 1];
        }
        for (int i = 0; i + 1 < h; i += 2) { // first stage: twiddle 1
            double tr = re[i + 1], ti = im[i + 1];
            re[i + 1] = re[i] - tr;
            im[i + 1] = im[i] - ti;
            re[i] += tr;
            im[i] += ti;
        }
        for (int len = 4; len <= h; len <<= 1) {
            int half = len >> 1, tw = half - 1;
            for (int i = 0; i < h; i += len) {
                for (int j = 0; j < half; j++) {
                    double wr = twRe[tw + j], wi = twIm[tw + j];
                    int a = i + j, b = a + half;
                    double tr = wr * re[b] - wi * im[b], ti = wr * im[b] + wi * re[b];
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
        // Split: E[k] = (Z[k] + conj Z[h-k]) / 2, O[k] = (Z[k] - conj Z[h-k]) / 2i,
        // X[k] = E[k] + W^k O[k], X[h-k] = conj(E[k] - W^k O[k]), W = e^(-2 pi i / n).
        double z0r = re[0], z0i = im[0];
        re[0] = z0r + z0i;
        im[0] = 0;
        re[h] = z0r - z0i;
        im[h] = 0;
        for (int k = 1; k <= h / 2; k++) {
            int q = h - k;
            double ar = re[k], ai = im[k], br = re[q], bi = -im[q]; // Z[k], conj Z[h-k]
            double er = (ar + br) / 2, ei = (ai + bi) / 2;
            double dr = (ar - br) / 2, di = (ai - bi) / 2; // O = d / i = (di, -dr)
            double or = di, oi = -dr;
            double wr = splitCos[k], wi = -splitSin[k];
            double tr = wr * or - wi * oi, ti = wr * oi + wi * or;
            re[k] = er + tr;
            im[k] = ei + ti;
            re[q] = er - tr;
            im[q] = -(ei - ti);
        }
    }
}
