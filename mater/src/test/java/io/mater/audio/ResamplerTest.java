package io.mater.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.SharedData;
import io.mater.engine.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResamplerTest {
    /** 10 log10(sum ref^2 / sum (ref - y)^2) over the first n samples, y shifted by lag (y[i + lag] vs ref[i]). */
    static double snrDb(float[] y, float[] ref, int lag) {
        double sig = 0, err = 0;
        for (int i = Math.max(0, -lag); i < ref.length && i + lag < y.length; i++) {
            double e = y[i + lag] - ref[i];
            sig += (double) ref[i] * ref[i];
            err += e * e;
        }
        return 10 * Math.log10(sig / err);
    }

    @Test
    void matchesSoxOnRavdess48kOriginals() throws IOException {
        List<Path> files;
        try (var s = Files.walk(SharedData.path("ravdess-speech-48k"))) {
            files = s.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
        }
        var low = SharedData.path("ravdess-speech-16k");
        int compared = 0;
        double worst = Double.POSITIVE_INFINITY;
        for (var f : files) {
            var sox = low.resolve(f.getParent().getFileName()).resolve(f.getFileName());
            if (!Files.exists(sox)) continue;
            var wav = Wav.read(f);
            var ours = Resampler.convert(wav.mono(), 48000, 16000);
            var ref = Wav.read(sox).mono();
            assertEquals(ref.length, ours.length, f + ": output length");
            double snr = snrDb(ours, ref, 0);
            int bestLag = 0;
            for (int lag = -3; lag <= 3; lag++) if (snrDb(ours, ref, lag) > snrDb(ours, ref, bestLag)) bestLag = lag;
            System.out.printf("resampler vs sox: %s/%s (%d ch): SNR %.2f dB, best lag %d%n", f.getParent().getFileName(),
                    f.getFileName(), wav.channelCount(), snr, bestLag);
            assertEquals(0, bestLag, f + ": sox's output is aligned with ours (no delay)");
            assertTrue(snr >= 40, f + ": SNR " + snr + " dB < 40 dB");
            worst = Math.min(worst, snr);
            compared++;
        }
        assertEquals(7, compared);
        System.out.printf("resampler vs sox: worst SNR %.2f dB over %d files%n", worst, compared);
    }

    /** A sine at f Hz through every ratio lands on the exact sine at the output rate (away from the edges). */
    @Test
    void sinesThroughCommonAndOddRatios() {
        int[][] pairs = {{48000, 16000}, {44100, 16000}, {22050, 16000}, {8000, 16000}, {11025, 16000}, {16000, 48000},
                {44100, 16001}, {16000, 44100}, {32000, 16000}};
        for (var pr : pairs) {
            int in = pr[0], out = pr[1];
            var r = new Resampler(in, out);
            double f = 0.3 * Math.min(in, out); // well inside the pass band
            int n = in / 4;
            var x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float) (0.8 * Math.sin(2 * Math.PI * f * i / in + 0.3));
            var y = r.apply(x);
            assertEquals(Math.round((double) n * out / in), y.length, r.toString());
            int margin = r.taps() * out / in + 8;
            double maxErr = 0;
            for (int k = margin; k < y.length - margin; k++) {
                double expect = 0.8 * Math.sin(2 * Math.PI * f * k / out + 0.3);
                maxErr = Math.max(maxErr, Math.abs(y[k] - expect));
            }
            assertTrue(maxErr < 2e-5, r + ": max error " + maxErr);
        }
    }

    @Test
    void passBandAndStopBand48kTo16k() {
        var r = new Resampler(48000, 16000);
        assertEquals(1.0, toneGain(r, 7000), 1e-3, "7 kHz is in the pass band (0.92 x 8 kHz = 7.36 kHz)");
        assertEquals(0.5, toneGain(r, 7660), 0.02, "the cut-off (-6 dB) is at 0.9575 x 8 kHz");
        assertTrue(toneGain(r, 8000) < 1e-5, "8 kHz (from 0.995 x Nyquist) is stopped");
        assertTrue(toneGain(r, 9000) < 1e-5, "9 kHz would alias to 7 kHz: stopped");
        assertTrue(toneGain(r, 20000) < 1e-5);
    }

    /** Output RMS / input RMS of a tone, in the middle of a 0.5 s signal. */
    private static double toneGain(Resampler r, double hz) {
        int n = r.inRate() / 2;
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) Math.sin(2 * Math.PI * hz * i / r.inRate());
        var y = r.apply(x);
        int margin = r.taps() * r.outRate() / r.inRate() + 8;
        double s = 0;
        for (int k = margin; k < y.length - margin; k++) s += (double) y[k] * y[k];
        return Math.sqrt(s / (y.length - 2 * margin)) / Math.sqrt(0.5);
    }

    /** The table-driven result equals the defining sum y[n] = sum_m x[m] h(n down / up - m), evaluated directly. */
    @Test
    void equalsDirectEvaluationOfTheFormula() {
        var rng = new Random(7);
        for (int[] pr : new int[][] {{44100, 16000}, {8000, 16000}, {48000, 16000}, {44100, 16001}}) {
            var r = new Resampler(pr[0], pr[1]);
            var x = new float[700];
            for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian() * 0.3f;
            var y = r.apply(x);
            double nyq = 0.5 * Math.min(1.0, (double) pr[1] / pr[0]);
            double fc = nyq * (Resampler.PASSBAND + Resampler.STOPBAND) / 2, df = nyq * (Resampler.STOPBAND - Resampler.PASSBAND);
            double beta = 0.1102 * (Resampler.ATTENUATION_DB - 8.7);
            double hw = (Resampler.ATTENUATION_DB - 7.95) / (2.285 * 2 * Math.PI * df) / 2;
            for (int k = 0; k < y.length; k += 3) {
                double t = (double) k * pr[0] / pr[1], acc = 0, norm = 0;
                // the table normalises each phase to unit DC gain: do the same
                for (int m = (int) Math.floor(t - hw) - 1; m <= t + hw + 1; m++) {
                    double h = Resampler.kernel(t - m, fc, hw, beta);
                    norm += h;
                    if (m >= 0 && m < x.length) acc += h * x[m];
                }
                assertEquals(acc / norm, y[k], 2e-5, r + " at output " + k);
            }
        }
    }

    @Test
    void dcIsKeptExactly() {
        for (int[] pr : new int[][] {{44100, 16000}, {8000, 16000}, {22050, 16000}, {44100, 16001}}) {
            var r = new Resampler(pr[0], pr[1]);
            var x = new float[pr[0] / 5];
            java.util.Arrays.fill(x, 0.4f);
            var y = r.apply(x);
            int margin = r.taps() * pr[1] / pr[0] + 4;
            for (int k = margin; k < y.length - margin; k++) assertEquals(0.4f, y[k], 2e-6f, r + " at " + k);
        }
    }

    @Test
    void lengthsAndEdgeCases() {
        var r = new Resampler(48000, 16000);
        assertEquals(52853, r.outputLength(158558)); // RAVDESS: round(158558 / 3) = 52853 (52852.67)
        assertEquals(57657, r.outputLength(172972)); // 57657.33
        assertEquals(0, r.apply(new float[0]).length);
        assertEquals(2, new Resampler(8000, 16000).apply(new float[1]).length);
        var one = new Resampler(44100, 16000).apply(new float[] {1f});
        assertEquals(0, one.length); // round(0.36) = 0
        var x = new float[] {0.1f, 0.2f};
        var same = Resampler.convert(x, 16000, 16000);
        assertArrayEquals(x, same);
        assertNotSame(x, same);
        assertThrows(IllegalArgumentException.class, () -> new Resampler(0, 16000));
    }

    @Test
    void independentOfThreadCount() {
        var rng = new Random(3);
        var x = new float[48000];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            var one = new Resampler(44100, 16000).apply(x);
            Parallel.setThreads(3);
            var three = new Resampler(44100, 16000).apply(x);
            assertArrayEquals(one, three);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void besselI0() {
        assertEquals(1.0, Resampler.besselI0(0), 0);
        assertEquals(1.2660658777520082, Resampler.besselI0(1), 1e-14);
        assertEquals(2815.716628466254, Resampler.besselI0(10), 1e-9);
    }
}
