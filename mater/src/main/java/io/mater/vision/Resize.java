package io.mater.vision;

/**
 * Bilinear resizing of 8-bit grey images that reproduces OpenCV's {@code resize(..., INTER_LINEAR_EXACT)}
 * bit for bit (the resize the Haar detector uses for its image pyramid, so detections can match OpenCV's).
 *
 * <p>The arithmetic, as documented by OpenCV's bit-exact resize: each output coordinate d maps to the source
 * position f = scale * (d + 0.5) - 0.5 with scale = 1 / (dstSize / srcSize) in double precision; its left
 * neighbour is floor(f) and the right weight is round-half-even((f - floor f) * 256), i.e. 8 fractional bits.
 * Rows are first interpolated horizontally into 16-bit values with 8 fractional bits, then vertically with
 * 8-bit weights, and rounded: (a * wa + b * wb + 2^15) >> 16. Outputs whose source position falls left of
 * (or right of) the image copy the first (last) source pixel instead; equal sizes are a plain copy.
 */
public final class Resize {
    private Resize() {}

    /** Resizes {@code src} to dstWidth x dstHeight as OpenCV's INTER_LINEAR_EXACT does for CV_8UC1. */
    public static GrayImage linearExact(GrayImage src, int dstWidth, int dstHeight) {
        if (dstWidth <= 0 || dstHeight <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + dstWidth + "x" + dstHeight);
        }
        if (dstWidth == src.width() && dstHeight == src.height()) {
            return new GrayImage(dstWidth, dstHeight, src.pixels().clone());
        }
        var ax = Axis.of(src.width(), dstWidth);
        var ay = Axis.of(src.height(), dstHeight);
        var out = new byte[dstWidth * dstHeight];
        var rows = new RowCache(src, ax, dstWidth);
        for (int dy = 0; dy < dstHeight; dy++) {
            int o = dy * dstWidth;
            if (dy < ay.min || dy >= ay.max) {
                int[] h = rows.row(dy < ay.min ? 0 : src.height() - 1);
                for (int x = 0; x < dstWidth; x++) out[o + x] = (byte) ((h[x] + 128) >> 8);
            } else {
                int sy = ay.offset[dy], w0 = ay.w0[dy], w1 = ay.w1[dy];
                int[] h0 = rows.row(sy), h1 = rows.row(sy + 1);
                for (int x = 0; x < dstWidth; x++) {
                    int v = (h0[x] * w0 + h1[x] * w1 + (1 << 15)) >>> 16;
                    out[o + x] = (byte) Math.min(v, 255);
                }
            }
        }
        return new GrayImage(dstWidth, dstHeight, out);
    }

    /**
     * Interpolation table along one axis: for d in [min, max) the output mixes source samples offset[d] and
     * offset[d] + 1 with weights w0, w1 (sum 256); before min it copies sample 0, from max on the last sample.
     */
    record Axis(int[] offset, int[] w0, int[] w1, int min, int max) {
        static Axis of(int srcSize, int dstSize) {
            double scale = 1.0 / ((double) dstSize / srcSize);
            var offset = new int[dstSize];
            var w0 = new int[dstSize];
            var w1 = new int[dstSize];
            int min = 0, max = dstSize;
            for (int d = 0; d < dstSize; d++) {
                double f = scale * (d + 0.5) - 0.5;
                int i = (int) Math.floor(f);
                if (i >= 0 && srcSize > 1) {
                    if (i < srcSize - 1) {
                        offset[d] = i;
                        int c = (int) Math.rint((f - i) * 256);
                        w1[d] = c;
                        w0[d] = Math.max(256 - c, 0);
                    } else {
                        offset[d] = srcSize - 1;
                        max = Math.min(max, d);
                    }
                } else {
                    min = Math.max(min, d + 1);
                }
            }
            return new Axis(offset, w0, w1, min, max);
        }
    }

    /** Horizontally resized source rows (8 fractional bits), keeping the two most recent. */
    private static final class RowCache {
        private final GrayImage src;
        private final Axis ax;
        private final int[][] rows;
        private final int[] keys = {-1, -1};
        private int next;

        RowCache(GrayImage src, Axis ax, int dstWidth) {
            this.src = src;
            this.ax = ax;
            this.rows = new int[2][dstWidth];
        }

        int[] row(int sy) {
            if (keys[0] == sy) return rows[0];
            if (keys[1] == sy) return rows[1];
            int slot = next;
            next ^= 1;
            keys[slot] = sy;
            int[] h = rows[slot];
            byte[] px = src.pixels();
            int base = sy * src.width(), n = h.length;
            int first = (px[base] & 0xFF) << 8;
            int last = (px[base + ax.offset[n - 1]] & 0xFF) << 8;
            for (int d = 0; d < n; d++) {
                if (d < ax.min) {
                    h[d] = first;
                } else if (d >= ax.max) {
                    h[d] = last;
                } else {
                    int p = base + ax.offset[d];
                    h[d] = ax.w0[d] * (px[p] & 0xFF) + ax.w1[d] * (px[p + 1] & 0xFF);
                }
            }
            return h;
        }
    }
}
