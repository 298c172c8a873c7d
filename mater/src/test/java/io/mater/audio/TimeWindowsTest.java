package io.mater.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimeWindowsTest {
    private static final int B = LogMel.BANDS;

    private static float[] noise(int n, long seed) {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian() * 0.1f;
        return x;
    }

    /** True when every band of frame f of window w is the silence value. */
    private static boolean silentFrame(float[] patches, TimeWindows tw, int w, int f) {
        int o = w * tw.patchSize() + f * B;
        for (int b = 0; b < B; b++) if (patches[o + b] != LogMel.SILENCE) return false;
        return true;
    }

    @Test
    void paperConfigurations() {
        assertEquals(new TimeWindows(8, 50, 48), TimeWindows.of(8, 0.5));
        assertEquals(new TimeWindows(16, 25, 24), TimeWindows.of(16, 0.25));
        assertEquals(new TimeWindows(6, 50, 48), TimeWindows.of(6, 0.5));
        assertEquals(new TimeWindows(12, 25, 24), TimeWindows.of(12, 0.25));
        assertEquals(new TimeWindows(3, 100, 96), TimeWindows.of(3, 1.0));
        var t = TimeWindows.of(8, 0.5);
        assertEquals(7 * 50 + 48, t.framesNeeded());
        assertEquals(160 * 397 + 400, t.samplesNeeded()); // 63,920 samples = 3.995 s
        assertEquals(0.5, t.seconds(), 1e-12);
        assertEquals(48 * 64, t.patchSize());
        assertThrows(IllegalArgumentException.class, () -> TimeWindows.of(8, 0.255));
        assertThrows(IllegalArgumentException.class, () -> TimeWindows.of(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new TimeWindows(4, 25, 26));
    }

    /** Windows are the log-mel of the whole clip cut at frame w * stride, for every frame the clip fully holds. */
    @Test
    void windowsAreSlicesOfTheWholeClipLogMel() {
        var x = noise(16000 * 5, 1); // 5 s: longer than 8 x 0.5 s
        var tw = TimeWindows.of(8, 0.5);
        var patches = tw.patches(x);
        var whole = LogMel.compute(x);
        assertEquals(8 * 48 * 64, patches.length);
        for (int w = 0; w < 8; w++)
            for (int f = 0; f < 48; f++)
                for (int b = 0; b < B; b++)
                    assertEquals(whole[(w * 50 + f) * B + b], patches[w * tw.patchSize() + f * B + b], "w" + w + " f" + f + " b" + b);
        assertArrayEquals(tw.cut(whole, LogMel.frames(x.length)), patches);
    }

    @Test
    void longerClipsAreCut() {
        var tw = TimeWindows.of(8, 0.5);
        var x = noise(16000 * 5, 2);
        var cutExactly = Arrays.copyOf(x, tw.samplesNeeded());
        assertArrayEquals(tw.patches(cutExactly), tw.patches(x), "nothing after the last window's last frame matters");
        var changed = x.clone();
        for (int i = tw.samplesNeeded(); i < changed.length; i++) changed[i] = 0.9f;
        assertArrayEquals(tw.patches(x), tw.patches(changed));
        changed[tw.samplesNeeded() - 1] = 0.9f; // the last sample read does matter
        assertFalse(Arrays.equals(tw.patches(x), tw.patches(changed)));
    }

    /** 1.2 s clip, 8 x 0.5 s: windows 0-1 are signal, window 2 is signal then silence, windows 3-7 are silence. */
    @Test
    void shorterClipsArePaddedWithSilence() {
        var tw = TimeWindows.of(8, 0.5);
        var x = noise(19200, 3);
        var p = tw.patches(x);
        // whole frames of the clip: 1 + (19200 - 400) / 160 = 118; frame 118 straddles the end; from frame 120 on, all padding
        var whole = LogMel.compute(x);
        assertEquals(118, LogMel.frames(x.length));
        for (int f = 0; f < 18; f++) // window 2 = frames 100..147; 100..117 are whole frames of the clip
            assertArrayEquals(Arrays.copyOfRange(whole, (100 + f) * B, (101 + f) * B), Arrays.copyOfRange(p, 2 * tw.patchSize() + f * B,
                    2 * tw.patchSize() + (f + 1) * B));
        assertFalse(silentFrame(p, tw, 2, 18), "frame 118 holds the clip's last 320 samples");
        assertFalse(silentFrame(p, tw, 2, 19), "frame 119 holds the clip's last 160 samples");
        for (int f = 20; f < 48; f++) assertTrue(silentFrame(p, tw, 2, f), "frame " + (100 + f) + " lies wholly after the clip");
        for (int w = 3; w < 8; w++) for (int f = 0; f < 48; f++) assertTrue(silentFrame(p, tw, w, f));
        // cut() of the clip's own log-mel pads every frame the clip lacks (118 on) with silence
        var c = tw.cut(whole, 118);
        assertTrue(silentFrame(c, tw, 2, 18));
        assertArrayEquals(Arrays.copyOf(p, 2 * tw.patchSize() + 18 * B), Arrays.copyOf(c, 2 * tw.patchSize() + 18 * B));
        // an empty clip is all silence
        for (float v : tw.patches(new float[0])) assertEquals(LogMel.SILENCE, v);
    }

    /** A burst at exactly 1.5 s shows in window 3's first frame and nowhere in window 2 (0.5 s windows). */
    @Test
    void halfSecondWindowsStartOnTheirBoundary() {
        var tw = TimeWindows.of(8, 0.5);
        var x = new float[16000 * 4];
        for (int i = 24000; i < 24400; i++) x[i] = 0.5f;
        var p = tw.patches(x);
        for (int f = 0; f < 48; f++) assertTrue(silentFrame(p, tw, 2, f), "window 2 ends before 1.5 s; frame " + f);
        assertFalse(silentFrame(p, tw, 3, 0));
        assertFalse(silentFrame(p, tw, 3, 2)); // frames 150..152 overlap [24000, 24400)
        assertTrue(silentFrame(p, tw, 3, 3));
    }

    /** 0.25 s windows: 24 frames of 25 ms at hop 10 ms span 255 ms, so window w reads 5 ms into window w + 1. */
    @Test
    void quarterSecondWindowsOverlapTheNextBy5ms() {
        var tw = TimeWindows.of(16, 0.25);
        assertEquals(15 * 25 + 24, tw.framesNeeded());
        var x = new float[16000 * 4];
        for (int i = 12000; i < 12040; i++) x[i] = 0.5f; // a 2.5 ms burst at 0.75 s, the start of window 3
        var p = tw.patches(x);
        assertFalse(silentFrame(p, tw, 3, 0));
        assertFalse(silentFrame(p, tw, 2, 23), "window 2's last frame covers samples [11680, 12080)");
        assertTrue(silentFrame(p, tw, 2, 22), "frame 72 covers [11520, 11920)");
    }

    @Test
    void cutRejectsShortInput() {
        var tw = TimeWindows.of(2, 0.5);
        assertThrows(IllegalArgumentException.class, () -> tw.cut(new float[10 * 64], 11));
        var c = tw.cut(new float[0], 0);
        for (float v : c) assertEquals(LogMel.SILENCE, v);
    }
}
