package io.mater.vision;

/**
 * Cuts a face out of a grey frame: a square around the face box, enlarged by a margin on every side, resampled
 * to size x size (96 x 96 for the face network) as floats.
 *
 * <p>The square has side max(width, height) * (1 + 2 * margin) and the box's centre. Parts outside the frame
 * are filled by repeating the edge pixels ({@link Border#REPLICATE}) or with 0 ({@link Border#ZERO}); the
 * square is not shifted, so the face stays centred. Resampling averages the covered source area (a box filter
 * with fractional edges) when shrinking, and interpolates bilinearly when enlarging. Output values are the
 * pixel values times {@code scale} (1/255 gives [0, 1]; 1 gives 0..255), then (v - mean) / std of the
 * {@link Normalization} (identity by default; the face network decides the real one).
 */
public final class FaceCrop {
    /** How pixels outside the frame are filled. */
    public enum Border { REPLICATE, ZERO }

    /** Per-pixel affine normalisation applied last: (v - mean) / std. */
    public record Normalization(float mean, float std) {
        public static final Normalization NONE = new Normalization(0f, 1f);

        public Normalization {
            if (!(std > 0) || !Float.isFinite(mean) || !Float.isFinite(std)) {
                throw new IllegalArgumentException("normalisation needs finite mean and std > 0, got " + mean + ", " + std);
            }
        }
    }

    /**
     * @param size   output side in pixels (96 for the face network)
     * @param margin added on each side, as a fraction of the box's larger side
     * @param scale  multiplies pixel values (1/255: [0, 1])
     */
    public record Options(int size, double margin, Border border, float scale, Normalization normalization) {
        public Options {
            if (size < 1 || size > 4096) throw new IllegalArgumentException("crop size must be 1..4096, got " + size);
            if (!(margin >= 0 && margin <= 10)) throw new IllegalArgumentException("margin must be in [0, 10], got " + margin);
            if (border == null || normalization == null) throw new IllegalArgumentException("border and normalization must be given");
            if (!(scale > 0) || !Float.isFinite(scale)) throw new IllegalArgumentException("scale must be > 0, got " + scale);
        }

        /** 96 x 96, margin 0.2, replicated borders, values in [0, 1], no normalisation. */
        public static Options defaults() {
            return new Options(96, 0.2, Border.REPLICATE, 1f / 255f, Normalization.NONE);
        }

        public Options withSize(int s) {
            return new Options(s, margin, border, scale, normalization);
        }

        public Options withNormalization(Normalization n) {
            return new Options(size, margin, border, scale, n);
        }

        public Options withScale(float s) {
            return new Options(size, margin, border, s, normalization);
        }

        public Options withMargin(double m) {
            return new Options(size, m, border, scale, normalization);
        }

        public Options withBorder(Border b) {
            return new Options(size, margin, b, scale, normalization);
        }
    }

    private FaceCrop() {}

    /** The square region (in frame pixels) that {@link #crop} samples for a face box. */
    public static Box square(Box face, double margin) {
        double side = Math.max(face.width(), face.height()) * (1 + 2 * margin);
        return Box.centred(face.centerX(), face.centerY(), side, side);
    }

    /** The crop as size * size floats, row-major. */
    public static float[] crop(GrayImage frame, Box face, Options o) {
        Box sq = square(face, o.margin());
        if (!(sq.width() > 0)) throw new IllegalArgumentException("cannot crop an empty face box " + face);
        int n = o.size();
        Taps xs = taps(sq.x(), sq.width(), n), ys = taps(sq.y(), sq.height(), n);
        int w = frame.width(), h = frame.height();
        byte[] px = frame.pixels();
        boolean zero = o.border() == Border.ZERO;
        // Horizontal pass over the source rows the vertical taps need.
        int rowLo = ys.minIndex(), rowHi = ys.maxIndex();
        var rows = new float[rowHi - rowLo + 1][n];
        for (int r = rowLo; r <= rowHi; r++) {
            float[] dst = rows[r - rowLo];
            if (zero && (r < 0 || r >= h)) continue;
            int base = Math.clamp(r, 0, h - 1) * w;
            for (int u = 0; u < n; u++) {
                float acc = 0;
                for (int k = xs.start[u]; k < xs.start[u + 1]; k++) {
                    int c = xs.index[k];
                    if (zero && (c < 0 || c >= w)) continue;
                    acc += xs.weight[k] * (px[base + Math.clamp(c, 0, w - 1)] & 0xFF);
                }
                dst[u] = acc;
            }
        }
        var out = new float[n * n];
        float mean = o.normalization().mean(), inv = 1f / o.normalization().std(), scale = o.scale();
        for (int v = 0; v < n; v++) {
            for (int u = 0; u < n; u++) {
                float acc = 0;
                for (int k = ys.start[v]; k < ys.start[v + 1]; k++) acc += ys.weight[k] * rows[ys.index[k] - rowLo][u];
                out[v * n + u] = (acc * scale - mean) * inv;
            }
        }
        return out;
    }

    /** The crop as an 8-bit grey image (values rounded, ignoring scale and normalisation), e.g. to look at. */
    public static GrayImage cropImage(GrayImage frame, Box face, Options o) {
        float[] f = crop(frame, face, new Options(o.size(), o.margin(), o.border(), 1f, Normalization.NONE));
        var b = new byte[f.length];
        for (int i = 0; i < f.length; i++) b[i] = (byte) Math.clamp(Math.round(f[i]), 0, 255);
        return new GrayImage(o.size(), o.size(), b);
    }

    /** Resampling taps along one axis: output u reads index[start[u] .. start[u+1]) with the given weights. */
    private record Taps(int[] start, int[] index, float[] weight) {
        int minIndex() {
            int m = Integer.MAX_VALUE;
            for (int i : index) m = Math.min(m, i);
            return m;
        }

        int maxIndex() {
            int m = Integer.MIN_VALUE;
            for (int i : index) m = Math.max(m, i);
            return m;
        }
    }

    /**
     * Taps mapping the source interval [origin, origin + length) onto n output samples. Pixel i covers
     * [i, i + 1) and has its centre at i + 0.5.
     */
    private static Taps taps(double origin, double length, int n) {
        double step = length / n;
        var start = new int[n + 1];
        var index = new java.util.ArrayList<Integer>();
        var weight = new java.util.ArrayList<Float>();
        for (int u = 0; u < n; u++) {
            start[u] = index.size();
            if (step > 1) {
                // Area average of [a, b).
                double a = origin + u * step, b = a + step;
                for (int i = (int) Math.floor(a); i < b; i++) {
                    double cover = Math.min(b, i + 1) - Math.max(a, i);
                    if (cover <= 0) continue;
                    index.add(i);
                    weight.add((float) (cover / step));
                }
            } else {
                // Bilinear at the output sample's centre.
                double c = origin + (u + 0.5) * step - 0.5;
                int i = (int) Math.floor(c);
                double f = c - i;
                index.add(i);
                weight.add((float) (1 - f));
                index.add(i + 1);
                weight.add((float) f);
            }
        }
        start[n] = index.size();
        var idx = new int[index.size()];
        var wt = new float[weight.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = index.get(i);
            wt[i] = weight.get(i);
        }
        return new Taps(start, idx, wt);
    }
}
