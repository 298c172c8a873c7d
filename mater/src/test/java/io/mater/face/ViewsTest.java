package io.mater.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.SharedData;
import io.mater.engine.Rng;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Test-time views: which images they are, and evaluation as the mean softmax over them. */
class ViewsTest {
    static final int S = Fer2013.SIZE;

    /** The image mirrored (when flip) and then translated so that out[y][x] = m[y + dy][x + dx]; fill outside. */
    static float[] mirrorThenTranslate(float[] img, boolean flip, int dx, int dy, float fill) {
        float[] m = new float[S * S], out = new float[S * S];
        for (int y = 0; y < S; y++) for (int x = 0; x < S; x++) m[y * S + x] = img[y * S + (flip ? S - 1 - x : x)];
        for (int y = 0; y < S; y++)
            for (int x = 0; x < S; x++) {
                int sy = y + dy, sx = x + dx;
                out[y * S + x] = sy >= 0 && sy < S && sx >= 0 && sx < S ? m[sy * S + sx] : fill;
            }
        return out;
    }

    /** Every (flip, dx, dy) that the views should cover. */
    static List<float[]> expectedViews(float[] img, boolean mirror, int shift, float fill) {
        var all = new ArrayList<float[]>();
        int[] d = shift == 0 ? new int[] {0} : new int[] {-shift, 0, shift};
        for (boolean flip : mirror ? new boolean[] {false, true} : new boolean[] {false})
            for (int dy : d) for (int dx : d) all.add(mirrorThenTranslate(img, flip, dx, dy, fill));
        return all;
    }

    @Test
    void viewsAreTheFaceItsMirrorAndTheirGridShiftsEachOnce() {
        float[] img = new float[S * S];
        for (int i = 0; i < img.length; i++) img[i] = i; // every pixel distinct
        for (var views : List.of(Views.SINGLE, new Views(true, 0), new Views(false, 2), new Views(true, 3))) {
            var expected = expectedViews(img, views.mirror(), views.shift(), -1f);
            assertEquals(expected.size(), views.count(), views.toString());
            var matched = new HashSet<Integer>();
            float[] out = new float[2 * S * S];
            for (int v = 0; v < views.count(); v++) {
                views.write(v, img, 0, -1f, out, 1); // slot 1 of 2
                float[] got = java.util.Arrays.copyOfRange(out, S * S, 2 * S * S);
                int hit = -1;
                for (int e = 0; e < expected.size(); e++) if (java.util.Arrays.equals(expected.get(e), got)) hit = e;
                assertTrue(hit >= 0, views + ": view " + v + " is not the face or its mirror at a grid shift");
                assertTrue(matched.add(hit), views + ": view " + v + " repeats another view");
            }
        }
        // view 0 is the face itself, view 1 its mirror
        float[] out = new float[S * S];
        new Views(true, 3).write(0, img, 0, -1f, out, 0);
        assertArrayEquals(img, out);
        new Views(true, 3).write(1, img, 0, -1f, out, 0);
        assertEquals(img[5 * S + (S - 1)], out[5 * S], 0f);
    }

    @Test
    void parseNamesTheOptionOnBadInput() {
        assertEquals(Views.SINGLE, Views.parse("none", 3));
        assertEquals(2, Views.parse("mirror", 3).count());
        assertEquals(18, Views.parse("grid", 3).count());
        var e = assertThrows(IllegalArgumentException.class, () -> Views.parse("all", 3));
        assertTrue(e.getMessage().contains("--tta") && e.getMessage().contains("'all'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Views(true, -1));
    }

    @Test
    void evaluationPredictsTheArgmaxOfTheMeanSoftmaxOverViews() throws IOException {
        var data = Fer2013.load(SharedData.path("fer2013").resolve("public-test"), FaceNet.FER_CLASSES, 3);
        var net = new FaceNet(FaceNet.FER_CLASSES, 0.5f, 0.25f, 0.5f, 8, new Rng(11));
        var views = new Views(true, 2);
        int k = 7;
        int[][] expected = new int[k][k];
        for (int i = 0; i < data.size(); i++) {
            float[] img = java.util.Arrays.copyOfRange(data.pixels(), i * S * S, (i + 1) * S * S);
            double[] mean = new double[k];
            for (float[] v : expectedViews(img, true, 2, net.pixelMean())) {
                float[] p = net.probabilities(v, 1);
                for (int j = 0; j < k; j++) mean[j] += p[j];
            }
            int best = 0;
            for (int j = 1; j < k; j++) if (mean[j] > mean[best]) best = j;
            expected[data.labels()[i]][best]++;
        }
        var ev = FaceTrainer.evaluate(net, data, 4, views);
        for (int r = 0; r < k; r++) assertArrayEquals(expected[r], ev.confusion()[r], "row " + r);
        assertEquals(data.size(), ev.total());
    }
}
