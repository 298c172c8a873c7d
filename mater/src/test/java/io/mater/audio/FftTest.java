package io.mater.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FftTest {
    @Test
    void matchesNaiveDft() {
        var rng = new Random(11);
        for (int n : new int[] {4, 8, 16, 64, 512, 1024}) {
            var fft = new Fft(n);
            var x = new double[n + 3];
            for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
            var re = new double[n / 2 + 1];
            var im = new double[n / 2 + 1];
            fft.forward(x, 3, re, im); // from offset 3
            for (int k = 0; k <= n / 2; k++) {
                double sr = 0, si = 0;
                for (int t = 0; t < n; t++) {
                    double a = -2 * Math.PI * ((long) k * t % n) / n;
                    sr += x[3 + t] * Math.cos(a);
                    si += x[3 + t] * Math.sin(a);
                }
                assertEquals(sr, re[k], 1e-10 * n, "n=" + n + " bin " + k + " re");
                assertEquals(si, im[k], 1e-10 * n, "n=" + n + " bin " + k + " im");
            }
        }
    }

    @Test
    void impulseAndCosine() {
        var fft = new Fft(512);
        var x = new double[512];
        x[0] = 1;
        var re = new double[257];
        var im = new double[257];
        fft.forward(x, 0, re, im);
        for (int k = 0; k <= 256; k++) {
            assertEquals(1, re[k], 1e-12);
            assertEquals(0, im[k], 1e-12);
        }
        for (int t = 0; t < 512; t++) x[t] = Math.cos(2 * Math.PI * 5 * t / 512);
        fft.forward(x, 0, re, im);
        for (int k = 0; k <= 256; k++) assertEquals(k == 5 ? 256 : 0, Math.hypot(re[k], im[k]), 1e-9, "bin " + k);
    }

    @Test
    void rejectsBadSizes() {
        assertThrows(IllegalArgumentException.class, () -> new Fft(400));
        assertThrows(IllegalArgumentException.class, () -> new Fft(2));
    }
}
