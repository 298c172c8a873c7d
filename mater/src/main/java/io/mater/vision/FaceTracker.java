package io.mater.vision;

import java.util.ArrayList;
import java.util.List;

/**
 * Follows one face (the speaker) through a clip from per-frame detections.
 *
 * <p>The MATER paper tracked faces with dlib's correlation tracker; here tracking is detection, association
 * and smoothing, which needs nothing beyond the detector, is deterministic, and recovers by itself when the
 * face is lost (a correlation tracker drifts and must be re-seeded by the detector anyway). Steps:
 * <ol>
 *   <li><b>Association.</b> Detections of consecutive analysed frames are linked into tracks greedily, best
 *       overlap first: a detection continues a track when its IoU with the track's last box is at least
 *       {@code minIou}, or its centre is within {@code maxCenterShift} box sizes. Unlinked detections start
 *       tracks. A track can be continued after any gap (a face that comes back where it was is the same face);
 *       gaps longer than {@code maxGapSeconds} split it into segments that are not bridged.</li>
 *   <li><b>Speaker.</b> The kept track is the largest and steadiest: the highest sum over its detections of
 *       the box side length, divided by (1 + mean centre jump between its detections in box sizes).</li>
 *   <li><b>Smoothing.</b> The kept track's boxes (centre and size) are averaged over time with a Gaussian
 *       of {@code smoothSeconds} standard deviation, within segments (no averaging across gaps longer
 *       than {@code maxGapSeconds}).</li>
 *   <li><b>Bridging.</b> {@link FaceTrack#boxAt} interpolates between detections (frames where detection
 *       failed, or that were not analysed when detecting every k-th frame), holds the first/last box up to
 *       {@code holdSeconds} outside each segment, and reports no face elsewhere.</li>
 * </ol>
 */
public final class FaceTracker {
    /** The boxes found in one analysed frame (empty when none), at the frame's time in seconds. */
    public record Detections(double time, List<Box> boxes) {
        public Detections {
            if (!Double.isFinite(time)) throw new IllegalArgumentException("detection time must be finite, got " + time);
            boxes = List.copyOf(boxes);
        }
    }

    /**
     * @param minIou         overlap that links a detection to a track
     * @param maxCenterShift centre distance, in box sizes, that also links one
     * @param maxGapSeconds  longest gap without detections that is bridged by interpolation
     * @param holdSeconds    how long the first/last box is held before/after a run of detections
     * @param smoothSeconds  standard deviation of the Gaussian smoothing in time (0 = none)
     */
    public record Options(double minIou, double maxCenterShift, double maxGapSeconds, double holdSeconds,
                          double smoothSeconds) {
        public Options {
            if (!(minIou >= 0 && minIou <= 1)) throw new IllegalArgumentException("minIou must be in [0, 1], got " + minIou);
            if (!(maxCenterShift >= 0) || !(maxGapSeconds >= 0) || !(holdSeconds >= 0) || !(smoothSeconds >= 0)
                    || !Double.isFinite(maxCenterShift + maxGapSeconds + holdSeconds + smoothSeconds)) {
                throw new IllegalArgumentException("tracker distances and times must be finite and >= 0");
            }
        }

        /** IoU 0.3, centre shift 0.5, gaps up to 1 s bridged, hold 0.25 s, smoothing sigma 0.1 s. */
        public static Options defaults() {
            return new Options(0.3, 0.5, 1.0, 0.25, 0.1);
        }
    }

    private FaceTracker() {}

    /** A candidate track: detections in time order. */
    private static final class Track {
        final List<Double> times = new ArrayList<>();
        final List<Box> boxes = new ArrayList<>();

        Box last() {
            return boxes.get(boxes.size() - 1);
        }

        double score() {
            double size = 0, jump = 0;
            for (int i = 0; i < boxes.size(); i++) {
                Box b = boxes.get(i);
                double side = Math.sqrt(b.area());
                size += side;
                if (i > 0) {
                    Box p = boxes.get(i - 1);
                    jump += Math.hypot(b.centerX() - p.centerX(), b.centerY() - p.centerY()) / Math.max(side, 1e-9);
                }
            }
            double meanJump = boxes.size() > 1 ? jump / (boxes.size() - 1) : 0;
            return size / (1 + meanJump);
        }
    }

    /** Tracks the speaker's face through detections given in time order (analysed frames only). */
    public static FaceTrack track(List<Detections> frames, Options o) {
        for (int i = 1; i < frames.size(); i++) {
            if (!(frames.get(i).time() > frames.get(i - 1).time())) {
                throw new IllegalArgumentException("detections must be in increasing time order; frame " + i + " at "
                        + frames.get(i).time() + " s follows " + frames.get(i - 1).time() + " s");
            }
        }
        var all = new ArrayList<Track>();
        var active = all;
        for (var f : frames) link(f, active, all, o);
        Track best = null;
        for (var t : all) if (best == null || t.score() > best.score()) best = t;
        if (best == null) return FaceTrack.empty(o.holdSeconds());

        int n = best.times.size();
        var times = new double[n];
        var raw = new Box[n];
        for (int i = 0; i < n; i++) {
            times[i] = best.times.get(i);
            raw[i] = best.boxes.get(i);
        }
        var starts = new ArrayList<Integer>();
        starts.add(0);
        for (int i = 1; i < n; i++) if (times[i] - times[i - 1] > o.maxGapSeconds() + 1e-9) starts.add(i);
        starts.add(n);
        int[] segmentStart = starts.stream().mapToInt(Integer::intValue).toArray();
        var smooth = new Box[n];
        for (int s = 0; s + 1 < segmentStart.length; s++) {
            smoothSegment(times, raw, segmentStart[s], segmentStart[s + 1], o.smoothSeconds(), smooth);
        }
        return new FaceTrack(times, smooth, raw, segmentStart, o.holdSeconds());
    }

    /** Greedy association of one frame's detections to the active tracks (highest affinity first). */
    private static void link(Detections f, List<Track> active, List<Track> all, Options o) {
        var boxes = f.boxes();
        record Pair(int track, int box, double affinity) {}
        var pairs = new ArrayList<Pair>();
        for (int t = 0; t < active.size(); t++) {
            Box last = active.get(t).last();
            for (int b = 0; b < boxes.size(); b++) {
                Box box = boxes.get(b);
                double iou = last.iou(box);
                double size = Math.max(Math.sqrt(last.area()), 1e-9);
                double shift = Math.hypot(box.centerX() - last.centerX(), box.centerY() - last.centerY()) / size;
                if (iou >= o.minIou() || shift <= o.maxCenterShift()) pairs.add(new Pair(t, b, iou - shift));
            }
        }
        pairs.sort((a, b) -> a.affinity() != b.affinity() ? Double.compare(b.affinity(), a.affinity())
                : a.track() != b.track() ? Integer.compare(a.track(), b.track()) : Integer.compare(a.box(), b.box()));
        var trackUsed = new boolean[active.size()];
        var boxUsed = new boolean[boxes.size()];
        for (var p : pairs) {
            if (trackUsed[p.track()] || boxUsed[p.box()]) continue;
            trackUsed[p.track()] = true;
            boxUsed[p.box()] = true;
            var t = active.get(p.track());
            t.times.add(f.time());
            t.boxes.add(boxes.get(p.box()));
        }
        for (int b = 0; b < boxes.size(); b++) {
            if (boxUsed[b]) continue;
            var t = new Track();
            t.times.add(f.time());
            t.boxes.add(boxes.get(b));
            active.add(t);
            all.add(t);
        }
    }

    /** Gaussian-weighted average of centre and size over key frames [from, to). */
    private static void smoothSegment(double[] times, Box[] raw, int from, int to, double sigma, Box[] out) {
        for (int i = from; i < to; i++) {
            if (sigma == 0) {
                out[i] = raw[i];
                continue;
            }
            double w = 0, cx = 0, cy = 0, bw = 0, bh = 0;
            for (int j = from; j < to; j++) {
                double d = (times[j] - times[i]) / sigma;
                if (Math.abs(d) > 4) continue;
                double k = Math.exp(-0.5 * d * d);
                w += k;
                cx += k * raw[j].centerX();
                cy += k * raw[j].centerY();
                bw += k * raw[j].width();
                bh += k * raw[j].height();
            }
            out[i] = Box.centred(cx / w, cy / w, bw / w, bh / w);
        }
    }

    /** Integer rects (e.g. from {@link FaceDetector}) as boxes, x scaled by sx and y by sy. */
    public static List<Box> boxes(List<Rect> rects, double sx, double sy) {
        var out = new ArrayList<Box>(rects.size());
        for (var r : rects) out.add(new Box(r.x() * sx, r.y() * sy, r.width() * sx, r.height() * sy));
        return out;
    }
}
