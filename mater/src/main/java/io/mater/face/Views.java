package io.mater.face;

/**
 * Test-time views of a 48 x 48 face: the face itself and, with mirror, its horizontal mirror; with shift &gt; 0,
 * each of those translated by every (dx, dy) in {-shift, 0, shift}^2, the translations the network saw in
 * training (cells shifted in from outside take the fill value, the mean pixel). Classifying with views averages
 * the softmax distributions of all of them: 1, 2, 9 or 18 views.
 */
public record Views(boolean mirror, int shift) {
    /** The face alone. */
    public static final Views SINGLE = new Views(false, 0);
    private static final int[] GRID = {0, -1, 1}; // view 0 is the face itself, view 1 (with mirror) its mirror

    public Views {
        if (shift < 0 || shift > 16) throw new IllegalArgumentException("test-time shift must be in [0, 16] px, got " + shift);
    }

    /**
     * The views a --tta option names: none (the face alone), mirror (face and mirror) or grid (face and mirror,
     * each at the nine shifts of {-shift, 0, shift}^2).
     */
    public static Views parse(String tta, int shift) {
        return switch (tta) {
            case "none" -> SINGLE;
            case "mirror" -> new Views(true, 0);
            case "grid" -> new Views(true, shift);
            default -> throw new IllegalArgumentException("--tta must be none, mirror or grid, got '" + tta + "'");
        };
    }

    public int count() {
        return (mirror ? 2 : 1) * (shift == 0 ? 1 : 9);
    }

    public String describe() {
        if (count() == 1) return "1 view (the face alone)";
        return count() + " views (" + (mirror ? "face and mirror" : "face") + (shift == 0 ? "" : ", each at the 9 shifts of {-" + shift + ", 0, " + shift + "} px") + ")";
    }

    /** View v (0 &lt;= v &lt; count) of image idx of pixels [n, 48, 48] into slot i of out [b, 48, 48]. */
    void write(int v, float[] pixels, int idx, float fill, float[] out, int i) {
        boolean flip = mirror && v % 2 == 1;
        int g = mirror ? v / 2 : v; // grid cell 0..8 (0: unshifted), or 0 without shifts
        int dx = GRID[g % 3] * shift, dy = GRID[g / 3] * shift;
        shifted(pixels, idx, flip, dx, dy, fill, out, i);
    }

    /**
     * Image idx of pixels [n, 48, 48], mirrored when flip, read at (x + dx, y + dy), into slot i of out [b, 48, 48];
     * cells that fall outside the image take fill.
     */
    static void shifted(float[] pixels, int idx, boolean flip, int dx, int dy, float fill, float[] out, int i) {
        int s = Fer2013.SIZE, src = idx * Fer2013.PIXELS, dst = i * Fer2013.PIXELS;
        for (int y = 0; y < s; y++) {
            int sy = y + dy;
            for (int x = 0; x < s; x++) {
                int sx = (flip ? s - 1 - x : x) + dx;
                out[dst + y * s + x] = sy < 0 || sy >= s || sx < 0 || sx >= s ? fill : pixels[src + sy * s + sx];
            }
        }
    }
}
