package io.mater.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Crops of synthetic images whose expected values can be worked out by hand. */
class FaceCropTest {
    /** A horizontal ramp: pixel (x, y) = x. */
    private static GrayImage rampX(int w, int h) {
        var px = new byte[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) px[y * w + x] = (byte) x;
        return new GrayImage(w, h, px);
    }

    @Test
    void squareHasTheMarginAndTheBoxCentre() {
        Box sq = FaceCrop.square(new Box(100, 50, 60, 80), 0.25);
        assertEquals(120, sq.width(), 1e-12); // 80 * (1 + 2 * 0.25)
        assertEquals(120, sq.height(), 1e-12);
        assertEquals(130, sq.centerX(), 1e-12);
        assertEquals(90, sq.centerY(), 1e-12);
    }

    @Test
    void shrinkingAveragesTheCoveredArea() {
        // A 192-pixel square shrunk to 96: output u averages pixels 2u and 2u+1 (x0 = 10): 10 + 2u + 0.5.
        var img = rampX(256, 256);
        var face = new Box(10, 20, 192, 192);
        var o = FaceCrop.Options.defaults().withMargin(0).withScale(1f);
        float[] c = FaceCrop.crop(img, face, o);
        assertEquals(96 * 96, c.length);
        for (int v = 0; v < 96; v += 17) for (int u = 0; u < 96; u++) assertEquals(10.5f + 2 * u, c[v * 96 + u], 1e-4f);
        // A non-integer ratio: 144 pixels to 96, output u covers [1.5u, 1.5u + 1.5): for even u = 2k pixels
        // 3k (weight 1) and 3k+1 (weight 1/2), mean 3k + 1/3; for odd u = 2k+1 pixels 3k+1 (1/2), 3k+2 (1): 3k + 5/3.
        float[] d = FaceCrop.crop(img, new Box(0, 0, 144, 144), o);
        for (int u = 0; u < 96; u++) {
            int k = u / 2;
            assertEquals(u % 2 == 0 ? 3 * k + 1f / 3 : 3 * k + 5f / 3, d[5 * 96 + u], 1e-4f, "u=" + u);
        }
    }

    @Test
    void enlargingInterpolatesBilinearly() {
        // A 48-pixel square at x0 = 20 enlarged to 96: sample u at x = 20 + (u + 0.5) / 2 - 0.5, value = x.
        var img = rampX(100, 100);
        float[] c = FaceCrop.crop(img, new Box(20, 20, 48, 48), FaceCrop.Options.defaults().withMargin(0).withScale(1f));
        for (int u = 0; u < 96; u++) assertEquals(20 + (u + 0.5f) / 2 - 0.5f, c[40 * 96 + u], 1e-4f, "u=" + u);
    }

    @Test
    void bordersAreReplicatedOrZero() {
        var img = rampX(100, 100);
        var face = new Box(-50, 10, 96, 96); // the left half lies outside the image
        var o = FaceCrop.Options.defaults().withMargin(0).withScale(1f);
        float[] rep = FaceCrop.crop(img, face, o);
        float[] zero = FaceCrop.crop(img, face, o.withBorder(FaceCrop.Border.ZERO));
        for (int u = 0; u < 96; u++) {
            float inside = Math.max(0, u - 50); // pixel x = u - 50
            assertEquals(inside, rep[30 * 96 + u], 1e-5f);
            assertEquals(u < 50 ? 0 : u - 50, zero[30 * 96 + u], 1e-5f);
        }
        // Entirely outside below the image: replicate gives the last row, zero gives zeros.
        float[] below = FaceCrop.crop(img, new Box(0, 500, 96, 96), o);
        assertEquals(7f, below[96 * 50 + 7], 1e-5f);
        float[] belowZero = FaceCrop.crop(img, new Box(0, 500, 96, 96), o.withBorder(FaceCrop.Border.ZERO));
        assertEquals(0f, belowZero[96 * 50 + 7]);
    }

    @Test
    void outputIsScaledThenNormalised() {
        var px = new byte[64 * 64];
        java.util.Arrays.fill(px, (byte) 204);
        var img = new GrayImage(64, 64, px);
        float[] unit = FaceCrop.crop(img, new Box(10, 10, 30, 30), FaceCrop.Options.defaults());
        assertEquals(0.8f, unit[0], 1e-6f); // 204 / 255
        var norm = FaceCrop.Options.defaults().withNormalization(new FaceCrop.Normalization(0.5f, 0.25f));
        assertEquals((0.8f - 0.5f) / 0.25f, FaceCrop.crop(img, new Box(10, 10, 30, 30), norm)[100], 1e-5f);
        var img255 = FaceCrop.cropImage(img, new Box(10, 10, 30, 30), FaceCrop.Options.defaults());
        assertEquals(96, img255.width());
        assertEquals(204, img255.get(50, 50));
    }

    @Test
    void rejectsBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> new FaceCrop.Normalization(0, 0));
        assertThrows(IllegalArgumentException.class, () -> FaceCrop.Options.defaults().withMargin(-0.1));
        assertThrows(IllegalArgumentException.class, () -> FaceCrop.Options.defaults().withScale(0));
        assertThrows(IllegalArgumentException.class,
                () -> FaceCrop.crop(rampX(10, 10), new Box(1, 1, 0, 0), FaceCrop.Options.defaults()));
    }
}
