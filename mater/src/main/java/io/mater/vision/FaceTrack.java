package io.mater.vision;

import java.util.Arrays;
import java.util.List;

/**
 * The speaker's face over a clip, as a function of time: smoothed boxes at the frames where it was detected
 * (key frames), linear interpolation between key frames of the same segment, the first/last box held for a
 * short time before/after each segment, and no face elsewhere. Segments are runs of key frames with no gap
 * longer than the tracker's maxGapSeconds. Produced by {@link FaceTracker}.
 */
public final class FaceTrack {
    private final double[] keyTimes;
    private final Box[] keyBoxes;
    private final Box[] rawBoxes;
    private final int[] segmentStart; // index of the first key frame of each segment, plus keyTimes.length
    private final double holdSeconds;

    FaceTrack(double[] keyTimes, Box[] keyBoxes, Box[] rawBoxes, int[] segmentStart, double holdSeconds) {
        this.keyTimes = keyTimes;
        this.keyBoxes = keyBoxes;
        this.rawBoxes = rawBoxes;
        this.segmentStart = segmentStart;
        this.holdSeconds = holdSeconds;
    }

    /** A track with no face anywhere. */
    static FaceTrack empty(double holdSeconds) {
        return new FaceTrack(new double[0], new Box[0], new Box[0], new int[] {0}, holdSeconds);
    }

    public boolean isEmpty() {
        return keyTimes.length == 0;
    }

    /** Times of the frames where the tracked face was detected. */
    public double[] keyTimes() {
        return keyTimes.clone();
    }

    /** Smoothed boxes at the key times. */
    public List<Box> keyBoxes() {
        return List.of(keyBoxes);
    }

    /** The detector's boxes at the key times, before smoothing. */
    public List<Box> rawKeyBoxes() {
        return List.of(rawBoxes);
    }

    public int segmentCount() {
        return segmentStart.length - 1;
    }

    /** The face box at time t, or null when there is no face then. */
    public Box boxAt(double t) {
        Box best = null;
        double bestDist = Double.POSITIVE_INFINITY;
        for (int s = 0; s + 1 < segmentStart.length; s++) {
            int a = segmentStart[s], b = segmentStart[s + 1] - 1; // key frames a..b
            double t0 = keyTimes[a], t1 = keyTimes[b];
            if (t >= t0 && t <= t1) return interpolate(a, b, t);
            double dist = t < t0 ? t0 - t : t - t1;
            if (dist <= holdSeconds + 1e-9 && dist < bestDist) {
                bestDist = dist;
                best = t < t0 ? keyBoxes[a] : keyBoxes[b];
            }
        }
        return best;
    }

    private Box interpolate(int a, int b, double t) {
        int i = Arrays.binarySearch(keyTimes, a, b + 1, t);
        if (i >= 0) return keyBoxes[i];
        int hi = -i - 1, lo = hi - 1;
        double u = (t - keyTimes[lo]) / (keyTimes[hi] - keyTimes[lo]);
        return keyBoxes[lo].lerp(keyBoxes[hi], u);
    }

    /** {@link #boxAt} for each time (null entries: no face). */
    public Box[] boxes(double[] times) {
        var out = new Box[times.length];
        for (int i = 0; i < times.length; i++) out[i] = boxAt(times[i]);
        return out;
    }

    /** Whether there is a face at each time. */
    public boolean[] mask(double[] times) {
        var out = new boolean[times.length];
        for (int i = 0; i < times.length; i++) out[i] = boxAt(times[i]) != null;
        return out;
    }

    /** Fraction of the given frame times in [t0, t1) that have a face (0 when none falls in the window). */
    public double presentFraction(double[] times, double t0, double t1) {
        int n = 0, present = 0;
        for (double t : times) {
            if (t < t0 || t >= t1) continue;
            n++;
            if (boxAt(t) != null) present++;
        }
        return n == 0 ? 0 : (double) present / n;
    }

    /**
     * Per window [start_i, start_i + length): true when at least {@code minFraction} of its frames have a face.
     * Windows without frames are false.
     */
    public boolean[] windowMask(double[] times, double[] windowStarts, double length, double minFraction) {
        var out = new boolean[windowStarts.length];
        for (int i = 0; i < out.length; i++) {
            double t0 = windowStarts[i];
            int n = 0;
            for (double t : times) if (t >= t0 && t < t0 + length) n++;
            out[i] = n > 0 && presentFraction(times, t0, t0 + length) >= minFraction;
        }
        return out;
    }
}
