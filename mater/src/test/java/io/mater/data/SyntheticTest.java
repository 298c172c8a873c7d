package io.mater.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyntheticTest {
    @Test
    void ravdessPresetShape() {
        var d = Synthetic.generate(Synthetic.Preset.RAVDESS, 3);
        assertEquals(24 * 60, d.size());
        assertEquals(24, d.distinctSubjects().length);
        assertArrayEquals(new int[] {1, 8, 512}, new int[] {1, d.windows(), d.audio().size(2)});
        assertArrayEquals(new int[] {96, 192, 192, 192, 192, 192, 192, 192}, d.classCounts(), "neutral has half as many clips, as in RAVDESS");
        // every window is l2-normalised
        float[] a = d.audio().toArray();
        for (int w = 0; w < 50; w++) {
            double s = 0;
            for (int k = 0; k < 512; k++) s += a[w * 512 + k] * a[w * 512 + k];
            assertEquals(1.0, s, 1e-4);
        }
    }

    @Test
    void deterministicGivenTheSeed() {
        var a = Synthetic.generate(Synthetic.Preset.CREMAD, 5);
        var b = Synthetic.generate(Synthetic.Preset.CREMAD, 5);
        assertArrayEquals(a.video().toArray(), b.video().toArray());
        assertEquals(91 * 82, a.size());
        var c = Synthetic.generate(Synthetic.Preset.CREMAD, 6);
        assertTrue(!java.util.Arrays.equals(a.video().toArray(), c.video().toArray()));
    }

    @Test
    void audioBeforeSpeechOnsetIsSilenceAndVideoPeaksEarlier() {
        var d = Synthetic.generate(Synthetic.Preset.RAVDESS, 7, 16, 0.25, Synthetic.Params.defaults());
        // window 0 (0-0.25 s) of every clip is before the ~1 s onset: audio windows are near-identical silence
        float[] a = d.audio().toArray();
        int n = d.size(), t = 16;
        double cos = 0;
        for (int k = 0; k < 512; k++) cos += a[k] * a[(5 * t) * 512 + k];
        assertTrue(cos > 0.8, "silence windows of different clips should be alike, cos = " + cos);
        assertEquals(n, d.labels().length);
    }

    @Test
    void sameClipsCutIntoShorterWindows() {
        var eight = Synthetic.generate(Synthetic.Preset.RAVDESS, 9, 8, 0.5, Synthetic.Params.defaults());
        var sixteen = Synthetic.generate(Synthetic.Preset.RAVDESS, 9, 16, 0.25, Synthetic.Params.defaults());
        assertArrayEquals(eight.labels(), sixteen.labels());
        assertArrayEquals(eight.subjects(), sixteen.subjects());
        assertEquals(eight.clipIds(), sixteen.clipIds());
    }
}
