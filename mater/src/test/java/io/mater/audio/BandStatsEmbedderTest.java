package io.mater.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BandStatsEmbedderTest {
    private static double norm(float[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += (double) v[i] * v[i];
        return Math.sqrt(s);
    }

    @Test
    void shapeNormAndDeterminism() {
        var e = new BandStatsEmbedder();
        assertEquals(512, e.dim());
        assertEquals("band-stats-512", e.name());
        var rng = new Random(9);
        var patch = new float[48 * 64];
        for (int i = 0; i < patch.length; i++) patch[i] = LogMel.SILENCE + 3 + (float) rng.nextGaussian();
        var a = e.embed(patch, 48, 64);
        assertEquals(512, a.length);
        assertEquals(1.0, norm(a, 0, 512), 1e-6);
        assertArrayEquals(a, e.embed(patch.clone(), 48, 64), "same patch, same bits");
        for (float v : a) assertEquals(false, Float.isNaN(v));
        assertEquals(1.0, norm(new BandStatsEmbedder().embed(Arrays.copyOf(patch, 24 * 64), 24, 64), 0, 512), 1e-6);
    }

    /** Two bands, three frames, statistics worked out by hand (x = value - SILENCE). */
    @Test
    void handComputedStatistics() {
        float s = LogMel.SILENCE;
        // band 0: x = 1, 3, 2; band 1: x = 0, 0, 6
        var patch = new float[] {s + 1, s + 0, s + 3, s + 0, s + 2, s + 6};
        var got = new BandStatsEmbedder(2).embed(patch, 3, 2);
        // frame means over bands: 0.5, 1.5, 4
        double[] raw = {
            2, 2, // mean
            Math.sqrt(2.0 / 3), Math.sqrt(8), // population std: band 0 var = (1+1+0)/3; band 1 var = 12 - 4 = 8
            1, 0, // min
            3, 6, // max
            1, 6, // slope * (T - 1): band 0 slope = (-1*1 + 0*3 + 1*2) / 2 = 0.5 -> 1; band 1 (-0 + 6) / 2 = 3 -> 6
            1.5, 3, // mean |d|: band 0 d = 2, -1; band 1 d = 0, 6
            1.5, 3, // std of d: band 0 mean 0.5, values 2, -1 -> 1.5; band 1 mean 3 -> 3
            (0.5 + 1.5 - 2) / 3, (-0.5 - 1.5 + 2) / 3 // shape: band 0 x - frameMean = 0.5, 1.5, -2
        };
        double n = 0;
        for (double v : raw) n += v * v;
        n = Math.sqrt(n);
        for (int i = 0; i < raw.length; i++) assertEquals(raw[i] / n, got[i], 1e-6, "stat " + i / 2 + " band " + i % 2);
    }

    @Test
    void silenceEmbedsToZeroAndOneFrameWorks() {
        var e = new BandStatsEmbedder();
        var silent = new float[48 * 64];
        Arrays.fill(silent, LogMel.SILENCE);
        for (float v : e.embed(silent, 48, 64)) assertEquals(0f, v);
        var one = new float[64];
        for (int b = 0; b < 64; b++) one[b] = LogMel.SILENCE + b * 0.1f;
        var v = e.embed(one, 1, 64);
        assertEquals(1.0, norm(v, 0, 512), 1e-6);
        for (int i = 64; i < 128; i++) assertEquals(0f, v[i], "std of one frame");
        for (int i = 4 * 64; i < 7 * 64; i++) assertEquals(0f, v[i], "trend and delta stats need two frames");
    }

    @Test
    void batchEqualsOneByOne() {
        var e = new BandStatsEmbedder();
        var rng = new Random(4);
        var patches = new float[3 * 24 * 64];
        for (int i = 0; i < patches.length; i++) patches[i] = (float) rng.nextGaussian();
        var all = e.embedAll(patches, 3, 24, 64);
        assertEquals(3 * 512, all.length);
        for (int i = 0; i < 3; i++)
            assertArrayEquals(e.embed(Arrays.copyOfRange(patches, i * 24 * 64, (i + 1) * 24 * 64), 24, 64),
                    Arrays.copyOfRange(all, i * 512, (i + 1) * 512));
        assertThrows(IllegalArgumentException.class, () -> e.embedAll(patches, 4, 24, 64));
    }

    @Test
    void rejectsWrongShapes() {
        var e = new BandStatsEmbedder();
        assertThrows(IllegalArgumentException.class, () -> e.embed(new float[48 * 32], 48, 32));
        assertThrows(IllegalArgumentException.class, () -> e.embed(new float[47 * 64], 48, 64));
        assertThrows(IllegalArgumentException.class, () -> e.embed(new float[0], 0, 64));
    }

    @Test
    void l2Normalize() {
        var v = new float[] {9, 3, 4, 9};
        AudioEmbedder.l2Normalize(v, 1, 2);
        assertArrayEquals(new float[] {9, 0.6f, 0.8f, 9}, v);
        var z = new float[3];
        AudioEmbedder.l2Normalize(z);
        assertArrayEquals(new float[3], z);
        var tiny = new float[] {1e-30f, 0};
        AudioEmbedder.l2Normalize(tiny);
        assertEquals(1e-30f / 1e-12f, tiny[0], 1e-24f, "below 1e-12 the norm is clamped, as torch's normalize does");
    }
}
