package io.mater.vision;

import io.mater.engine.Parallel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Viola-Jones detection with a {@link HaarCascade}, reproducing OpenCV's
 * {@code CascadeClassifier::detectMultiScale} (OpenCV 4.x, CPU path) so that the same image and parameters
 * give the same boxes.
 *
 * <p>What OpenCV does, and so what this does:
 * <ul>
 *   <li><b>Scales.</b> Factors 1, f, f^2, ... (f = scaleFactor, multiplied in double, stored as float) while
 *       the window round(24 * factor) fits the image; then those whose window is below minSize are skipped and
 *       the list stops at the first above maxSize. If none is left, the single factor whose window is closest
 *       to minSize (squared distance) is used.</li>
 *   <li><b>Image pyramid.</b> The IMAGE is resized per factor (not the features) to
 *       round(w / factor) x round(h / factor) with {@link Resize#linearExact}, and its integral and squared
 *       integral images are taken (32-bit, wrapping, as OpenCV).</li>
 *   <li><b>Sliding window.</b> The 24x24 window moves by 2 pixels (in the scaled image) at factors below 2
 *       and by 1 pixel from 2 on; windows at x, y in [0, scaledSize + 1 - 24). A window rejected by the first
 *       stage makes the scan skip the next x position too.</li>
 *   <li><b>Variance normalisation.</b> On the inner rectangle (1, 1, 22, 22): nf = sqrt(area * sumSq - sum^2);
 *       windows with nf <= 0 or area / nf >= 0.1 (nearly flat) are rejected; feature values are multiplied
 *       by (float) (1 / nf).</li>
 *   <li><b>Stages.</b> Each tree adds its leaf (left when value &lt; threshold) in double; a stage rejects
 *       when its sum is below its threshold (lowered by 1e-5 at load).</li>
 *   <li><b>Hits</b> are (round(x * factor), round(y * factor), round(24 * factor)) in the input image,
 *       grouped by {@link RectGrouping} with eps = 0.2 and minNeighbors (none when minNeighbors is 0), and
 *       finally clipped to the image (empty ones dropped).</li>
 * </ul>
 * Work is split over pyramid levels and row stripes with {@link Parallel}; the result (and its order:
 * by level, then row, then column) does not depend on the thread count. Instances are thread-safe.
 */
public final class FaceDetector {
    /** OpenCV's grouping tolerance for detectMultiScale. */
    public static final double GROUP_EPS = 0.2;

    /**
     * Detection parameters with OpenCV's meaning. maxWidth or maxHeight 0 means the image size.
     *
     * @param scaleFactor   factor between pyramid levels, > 1 (OpenCV's default 1.1)
     * @param minNeighbors  a group needs more than this many raw hits; 0 returns the raw hits
     * @param minWidth      smallest window width considered, pixels
     * @param minHeight     smallest window height considered, pixels
     */
    public record Params(double scaleFactor, int minNeighbors, int minWidth, int minHeight, int maxWidth,
                         int maxHeight) {
        public Params {
            if (!(scaleFactor > 1) || !Double.isFinite(scaleFactor)) {
                throw new IllegalArgumentException("scaleFactor must be > 1, got " + scaleFactor);
            }
            if (minNeighbors < 0) throw new IllegalArgumentException("minNeighbors must be >= 0, got " + minNeighbors);
            if (minWidth < 0 || minHeight < 0 || maxWidth < 0 || maxHeight < 0) {
                throw new IllegalArgumentException("sizes must be >= 0, got min " + minWidth + "x" + minHeight
                        + " max " + maxWidth + "x" + maxHeight);
            }
        }

        /** The parameters the project uses by default: scaleFactor 1.1, minNeighbors 5, minSize 30x30. */
        public static Params defaults() {
            return new Params(1.1, 5, 30, 30, 0, 0);
        }

        public Params withMinNeighbors(int n) {
            return new Params(scaleFactor, n, minWidth, minHeight, maxWidth, maxHeight);
        }

        public Params withMinSize(int w, int h) {
            return new Params(scaleFactor, minNeighbors, w, h, maxWidth, maxHeight);
        }

        public Params withMaxSize(int w, int h) {
            return new Params(scaleFactor, minNeighbors, minWidth, minHeight, w, h);
        }
    }

    private final HaarCascade cascade;
    private final int winW, winH;
    private final boolean stumps;
    // Per tree node (for stump cascades one node per tree): its feature's rectangles, weights and split.
    private final Rect[][] nodeRects;
    private final float[] nodeW0, nodeW1, nodeW2, nodeThr;
    // Stump cascades: leaf values taken left (value < threshold) and right.
    private final float[] stumpLeft, stumpRight;
    private final int[] stageEnd;
    private final float[] stageThr;
    private final Map<Integer, int[]> offsetsByStride = new ConcurrentHashMap<>();

    public FaceDetector(HaarCascade cascade) {
        this.cascade = cascade;
        this.winW = cascade.windowWidth();
        this.winH = cascade.windowHeight();
        this.stumps = cascade.isStumps();
        int nodes = cascade.nodeStart(cascade.treeCount());
        nodeRects = new Rect[nodes][];
        nodeW0 = new float[nodes];
        nodeW1 = new float[nodes];
        nodeW2 = new float[nodes];
        nodeThr = new float[nodes];
        for (int i = 0; i < nodes; i++) {
            var f = cascade.feature(cascade.nodeFeature(i));
            nodeRects[i] = f.rects();
            nodeW0[i] = f.weights()[0];
            nodeW1[i] = f.weights().length > 1 ? f.weights()[1] : 0f;
            nodeW2[i] = f.weights().length > 2 ? f.weights()[2] : 0f;
            nodeThr[i] = cascade.nodeThreshold(i);
        }
        int trees = cascade.treeCount();
        stumpLeft = new float[trees];
        stumpRight = new float[trees];
        if (stumps) {
            // As OpenCV: a stump's first leaf is taken below the threshold, its second otherwise.
            for (int t = 0; t < trees; t++) {
                stumpLeft[t] = cascade.leaf(cascade.leafStart(t));
                stumpRight[t] = cascade.leaf(cascade.leafStart(t) + 1);
            }
        }
        stageEnd = new int[cascade.stageCount()];
        stageThr = new float[cascade.stageCount()];
        for (int s = 0; s < stageEnd.length; s++) {
            var st = cascade.stage(s);
            stageEnd[s] = st.firstTree() + st.treeCount();
            stageThr[s] = st.threshold();
        }
    }

    /** A detector with the frontal face cascade ({@link HaarCascade#frontalFace()}). */
    public static FaceDetector frontalFace() throws IOException {
        return new FaceDetector(HaarCascade.frontalFace());
    }

    public HaarCascade cascade() {
        return cascade;
    }

    /** Detected objects, as OpenCV's detectMultiScale returns them (grouped and clipped to the image). */
    public List<Rect> detect(GrayImage image, Params p) {
        var hits = candidates(image, p);
        var grouped = RectGrouping.group(hits, p.minNeighbors(), GROUP_EPS);
        return clip(grouped, image.width(), image.height());
    }

    /** The scale factors OpenCV would scan for an image of this size. */
    public float[] scales(int width, int height, Params p) {
        int maxW = p.maxWidth(), maxH = p.maxHeight();
        if (maxW == 0 || maxH == 0) {
            maxW = width;
            maxH = height;
        }
        if (height < winH || width < winW) return new float[0];
        var all = new ArrayList<Float>();
        for (double factor = 1; ; factor *= p.scaleFactor()) {
            long ww = Math.round(Math.rint(winW * factor)), wh = Math.round(Math.rint(winH * factor));
            if (ww > width || wh > height) break;
            all.add((float) factor);
        }
        var kept = new ArrayList<Float>();
        for (float s : all) {
            int ww = (int) Math.rint(winW * s), wh = (int) Math.rint(winH * s);
            if (ww > maxW || wh > maxH) break;
            if (ww < p.minWidth() || wh < p.minHeight()) continue;
            kept.add(s);
        }
        if (kept.isEmpty() && !all.isEmpty()) {
            int best = 0;
            double bestD = Double.MAX_VALUE;
            for (int i = 0; i < all.size(); i++) {
                float s = all.get(i);
                int ww = (int) Math.rint(winW * s), wh = (int) Math.rint(winH * s);
                double d = (double) (p.minWidth() - ww) * (p.minWidth() - ww)
                        + (double) (p.minHeight() - wh) * (p.minHeight() - wh);
                if (bestD > d) {
                    bestD = d;
                    best = i;
                }
            }
            kept.add(all.get(best));
        }
        var out = new float[kept.size()];
        for (int i = 0; i < out.length; i++) out[i] = kept.get(i);
        return out;
    }

    /** One pyramid level: the image resized by 1 / scale and its integral images (stride width + 1). */
    private record Level(float scale, int width, int height, int step, int[] sum, int[] sqsum, int[] offsets) {
        int stride() {
            return width + 1;
        }

        /** Window positions along x and y: [0, size + 1 - window). */
        int scanWidth(int win) {
            return Math.max(width + 1 - win, 0);
        }

        int scanHeight(int win) {
            return Math.max(height + 1 - win, 0);
        }
    }

    /** Raw detections before grouping (OpenCV's candidates; not clipped), ordered by level, row, column. */
    public List<Rect> candidates(GrayImage image, Params p) {
        float[] scales = scales(image.width(), image.height(), p);
        int n = scales.length;
        if (n == 0) return List.of();
        var levels = new Level[n];
        int threads = Math.max(1, Parallel.threads());
        // Interleave levels over threads: level sizes fall geometrically, so contiguous chunks would not balance.
        Parallel.range(Math.min(threads, n), 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                for (int i = t; i < n; i += Math.min(threads, n)) levels[i] = level(image, scales[i]);
            }
        });
        // Each stripe takes the same fraction of rows from every level, so stripes cost about the same.
        int stripes = Math.max(1, 4 * threads);
        @SuppressWarnings("unchecked")
        List<Rect>[][] hits = new List[n][stripes];
        Parallel.range(stripes, 1, (from, to) -> {
            for (int s = from; s < to; s++) {
                for (int i = 0; i < n; i++) hits[i][s] = scanStripe(levels[i], s, stripes);
            }
        });
        var out = new ArrayList<Rect>();
        for (int i = 0; i < n; i++) for (int s = 0; s < stripes; s++) out.addAll(hits[i][s]);
        return out;
    }

    private Level level(GrayImage image, float scale) {
        int w = (int) Math.rint(image.width() / scale);
        int h = (int) Math.rint(image.height() / scale);
        GrayImage img = w == image.width() && h == image.height() ? image : Resize.linearExact(image, w, h);
        int stride = w + 1;
        var sum = new int[stride * (h + 1)];
        var sq = new int[stride * (h + 1)];
        byte[] px = img.pixels();
        for (int y = 0; y < h; y++) {
            int rowSum = 0, rowSq = 0;
            int o = (y + 1) * stride + 1, prev = y * stride + 1, src = y * w;
            for (int x = 0; x < w; x++) {
                int v = px[src + x] & 0xFF;
                rowSum += v;
                rowSq += v * v;
                sum[o + x] = sum[prev + x] + rowSum;
                sq[o + x] = sq[prev + x] + rowSq;
            }
        }
        int[] offsets = offsetsByStride.get(stride);
        if (offsets == null) {
            if (offsetsByStride.size() > 256) offsetsByStride.clear(); // bound the cache over many frame sizes
            offsets = offsets(stride);
            offsetsByStride.put(stride, offsets);
        }
        return new Level(scale, w, h, scale >= 2 ? 1 : 2, sum, sq, offsets);
    }

    /**
     * Integral-image offsets for a row stride: 4 for the variance rectangle, then 12 per tree node (4 corners
     * of up to 3 rectangles, relative to the window's top-left corner).
     */
    private int[] offsets(int stride) {
        int nodes = nodeRects.length;
        var off = new int[4 + 12 * nodes];
        corners(new Rect(1, 1, winW - 2, winH - 2), stride, off, 0);
        for (int i = 0; i < nodes; i++) {
            Rect[] rs = nodeRects[i];
            for (int k = 0; k < 3; k++) corners(k < rs.length ? rs[k] : new Rect(0, 0, 0, 0), stride, off, 4 + 12 * i + 4 * k);
        }
        return off;
    }

    private static void corners(Rect r, int stride, int[] off, int at) {
        off[at] = r.y() * stride + r.x();
        off[at + 1] = r.y() * stride + r.x() + r.width();
        off[at + 2] = (r.y() + r.height()) * stride + r.x();
        off[at + 3] = (r.y() + r.height()) * stride + r.x() + r.width();
    }

    private List<Rect> scanStripe(Level lv, int stripe, int stripes) {
        int sw = lv.scanWidth(winW), sh = lv.scanHeight(winH), step = lv.step();
        int rows = (sh + step - 1) / step;
        int r0 = (int) ((long) rows * stripe / stripes), r1 = (int) ((long) rows * (stripe + 1) / stripes);
        var out = new ArrayList<Rect>();
        float scale = lv.scale();
        int ww = (int) Math.rint(winW * scale), wh = (int) Math.rint(winH * scale);
        for (int r = r0; r < r1; r++) {
            int y = r * step;
            for (int x = 0; x < sw; x += step) {
                int result = evaluate(lv, y * lv.stride() + x);
                if (result > 0) out.add(new Rect((int) Math.rint(x * scale), (int) Math.rint(y * scale), ww, wh));
                if (result == 0) x += step;
            }
        }
        return out;
    }

    /**
     * Runs the cascade on the window whose top-left integral index is p: 1 when accepted, -k when stage k
     * rejected it (0 for the first stage), -1 when the variance test rejected it.
     */
    private int evaluate(Level lv, int p) {
        int[] s = lv.sum(), q = lv.sqsum(), o = lv.offsets();
        int valSum = s[p + o[0]] - s[p + o[1]] - s[p + o[2]] + s[p + o[3]];
        int valSq = q[p + o[0]] - q[p + o[1]] - q[p + o[2]] + q[p + o[3]];
        double area = (double) (winW - 2) * (winH - 2);
        double nf = area * (valSq & 0xFFFFFFFFL) - (double) valSum * valSum;
        if (!(nf > 0)) return -1;
        float norm = (float) (1.0 / Math.sqrt(nf));
        if (!(area * norm < 0.1)) return -1;
        return stumps ? stumpStages(s, o, p, norm) : treeStages(s, o, p, norm);
    }

    private int stumpStages(int[] s, int[] o, int p, float norm) {
        int t = 0;
        float[] w0 = nodeW0, w1 = nodeW1, w2 = nodeW2, thr = nodeThr, left = stumpLeft, right = stumpRight;
        for (int st = 0; st < stageEnd.length; st++) {
            double sum = 0;
            for (int end = stageEnd[st]; t < end; t++) {
                int b = 4 + 12 * t;
                int s0 = s[p + o[b]] - s[p + o[b + 1]] - s[p + o[b + 2]] + s[p + o[b + 3]];
                int s1 = s[p + o[b + 4]] - s[p + o[b + 5]] - s[p + o[b + 6]] + s[p + o[b + 7]];
                float v = w0[t] * s0 + w1[t] * s1;
                if (w2[t] != 0f) v += w2[t] * (s[p + o[b + 8]] - s[p + o[b + 9]] - s[p + o[b + 10]] + s[p + o[b + 11]]);
                sum += v * norm < thr[t] ? left[t] : right[t];
            }
            if (sum < stageThr[st]) return -st;
        }
        return 1;
    }

    private int treeStages(int[] s, int[] o, int p, float norm) {
        int t = 0;
        for (int st = 0; st < stageEnd.length; st++) {
            double sum = 0;
            for (int end = stageEnd[st]; t < end; t++) {
                int root = cascade.nodeStart(t), idx = 0;
                do {
                    int node = root + idx;
                    float v = feature(s, o, p, node) * norm;
                    idx = v < nodeThr[node] ? cascade.nodeLeft(node) : cascade.nodeRight(node);
                } while (idx > 0);
                sum += cascade.leaf(cascade.leafStart(t) - idx);
            }
            if (sum < stageThr[st]) return -st;
        }
        return 1;
    }

    /** Weighted rectangle sums of a node's feature, in float as OpenCV (w0*s0 + w1*s1, then + w2*s2). */
    private float feature(int[] s, int[] o, int p, int node) {
        int b = 4 + 12 * node;
        int s0 = s[p + o[b]] - s[p + o[b + 1]] - s[p + o[b + 2]] + s[p + o[b + 3]];
        int s1 = s[p + o[b + 4]] - s[p + o[b + 5]] - s[p + o[b + 6]] + s[p + o[b + 7]];
        float v = nodeW0[node] * s0 + nodeW1[node] * s1;
        if (nodeW2[node] != 0f) {
            int s2 = s[p + o[b + 8]] - s[p + o[b + 9]] - s[p + o[b + 10]] + s[p + o[b + 11]];
            v += nodeW2[node] * s2;
        }
        return v;
    }

    /** OpenCV's clipObjects: intersect with the image, drop empty results. */
    static List<Rect> clip(List<Rect> rects, int width, int height) {
        var img = new Rect(0, 0, width, height);
        var out = new ArrayList<Rect>(rects.size());
        for (var r : rects) {
            var c = r.intersect(img);
            if (c.area() > 0) out.add(c);
        }
        return out;
    }
}
