package io.mater.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Association, speaker choice, smoothing and bridging on synthetic detections with known answers. */
class FaceTrackerTest {
    private static final FaceTracker.Options NO_SMOOTH = new FaceTracker.Options(0.3, 0.5, 1.0, 0.25, 0.0);

    private static FaceTracker.Detections at(double t, Box... boxes) {
        return new FaceTracker.Detections(t, List.of(boxes));
    }

    private static void assertBox(Box want, Box got, double tol) {
        assertEquals(want.x(), got.x(), tol, "x of " + got);
        assertEquals(want.y(), got.y(), tol, "y of " + got);
        assertEquals(want.width(), got.width(), tol, "width of " + got);
        assertEquals(want.height(), got.height(), tol, "height of " + got);
    }

    @Test
    void interpolatesBetweenDetectionsAndHoldsAtTheEnds() {
        var a = new Box(100, 50, 80, 80);
        var b = new Box(120, 60, 100, 100);
        var track = FaceTracker.track(List.of(at(1.0, a), at(1.5), at(2.0, b)), NO_SMOOTH);
        assertBox(a, track.boxAt(1.0), 1e-12);
        assertBox(b, track.boxAt(2.0), 1e-12);
        // Halfway: the mean of the two boxes (the frame at 1.5 s had no detection).
        assertBox(new Box(110, 55, 90, 90), track.boxAt(1.5), 1e-12);
        assertBox(new Box(105, 52.5, 85, 85), track.boxAt(1.25), 1e-12);
        // Held up to 0.25 s before the first and after the last detection, nothing beyond.
        assertBox(a, track.boxAt(0.8), 1e-12);
        assertBox(b, track.boxAt(2.25), 1e-12);
        assertNull(track.boxAt(0.7));
        assertNull(track.boxAt(2.3));
        assertEquals(1, track.segmentCount());
    }

    @Test
    void longGapsAreNotBridged() {
        var a = new Box(10, 10, 50, 50);
        var track = FaceTracker.track(List.of(at(0.0, a), at(0.1, a), at(2.0, a), at(2.1, a)), NO_SMOOTH);
        assertEquals(2, track.segmentCount());
        assertBox(a, track.boxAt(0.05), 1e-12);
        assertBox(a, track.boxAt(0.3), 1e-12); // held 0.2 s after the first run
        assertNull(track.boxAt(1.0)); // 1.9 s gap > 1 s: no face in the middle
        assertBox(a, track.boxAt(1.8), 1e-12); // held 0.2 s before the second run
        double[] times = {0.0, 0.5, 1.0, 1.5, 2.0};
        assertArrayEquals(new boolean[] {true, false, false, false, true}, track.mask(times));
        assertEquals(0.4, track.presentFraction(times, 0, 2.5), 1e-12);
    }

    @Test
    void noDetectionsMeansNoFaceAndNoCrash() {
        var track = FaceTracker.track(List.of(at(0.0), at(0.04), at(0.08)), FaceTracker.Options.defaults());
        assertTrue(track.isEmpty());
        assertNull(track.boxAt(0.04));
        assertArrayEquals(new boolean[3], track.mask(new double[] {0, 0.04, 0.08}));
        assertArrayEquals(new boolean[] {false, false}, track.windowMask(new double[] {0, 0.04, 0.08},
                new double[] {0, 0.5}, 0.5, 0.5));
        assertTrue(FaceTracker.track(List.of(), FaceTracker.Options.defaults()).isEmpty());
    }

    @Test
    void keepsTheLargestSteadiestFace() {
        var speaker = new Box(200, 100, 120, 120);
        var bystander = new Box(20, 20, 40, 40);
        var flash = new Box(300, 300, 200, 200); // bigger, but only in one frame
        var frames = new ArrayList<FaceTracker.Detections>();
        for (int i = 0; i < 20; i++) {
            double t = i * 0.04;
            if (i == 7) frames.add(at(t, bystander, flash, speaker));
            else if (i % 5 == 3) frames.add(at(t, bystander)); // the speaker is missed now and then
            else frames.add(at(t, speaker, bystander));
        }
        var track = FaceTracker.track(frames, NO_SMOOTH);
        for (int i = 0; i < 20; i++) assertBox(speaker, track.boxAt(i * 0.04), 1e-9);
        assertEquals(16, track.keyTimes().length);
    }

    @Test
    void prefersASteadyTrackOverAJitteryOneOfTheSameSize() {
        var frames = new ArrayList<FaceTracker.Detections>();
        for (int i = 0; i < 10; i++) {
            var steady = new Box(0, 0, 100, 100);
            var jittery = new Box(400 + (i % 2) * 45, 0, 100, 100); // jumps 0.45 box sizes each frame
            frames.add(at(i * 0.04, jittery, steady));
        }
        var track = FaceTracker.track(frames, NO_SMOOTH);
        assertBox(new Box(0, 0, 100, 100), track.boxAt(0.2), 1e-9);
    }

    @Test
    void smoothingReducesJitter() {
        var frames = new ArrayList<FaceTracker.Detections>();
        for (int i = 0; i < 50; i++) {
            double dx = (i % 2 == 0 ? 4 : -4);
            frames.add(at(i * 0.04, new Box(100 + dx, 100 - dx, 80, 80)));
        }
        var track = FaceTracker.track(frames, FaceTracker.Options.defaults());
        double raw = 0, smooth = 0;
        for (int i = 5; i < 45; i++) {
            raw += Math.abs(track.rawKeyBoxes().get(i).x() - 100);
            smooth += Math.abs(track.keyBoxes().get(i).x() - 100);
        }
        assertEquals(4, raw / 40, 1e-12);
        assertTrue(smooth / 40 < 0.5, "mean |x - 100| after smoothing: " + smooth / 40);
        // The centre of a symmetric window is unchanged for a steady face, and sizes are kept.
        assertEquals(80, track.keyBoxes().get(25).width(), 1e-9);
    }

    @Test
    void everyKthFrameIsBridged() {
        // Detection on every 3rd frame of a face moving at constant speed: the frames between are exact.
        var frames = new ArrayList<FaceTracker.Detections>();
        for (int i = 0; i < 30; i += 3) frames.add(at(i / 30.0, new Box(10 + 2 * i, 20, 60, 60)));
        var track = FaceTracker.track(frames, NO_SMOOTH);
        for (int i = 0; i < 28; i++) assertBox(new Box(10 + 2 * i, 20, 60, 60), track.boxAt(i / 30.0), 1e-9);
    }

    @Test
    void windowMaskUsesAFractionOfFrames() {
        var frames = new ArrayList<FaceTracker.Detections>();
        double[] times = new double[40];
        for (int i = 0; i < 40; i++) {
            times[i] = i * 0.05;
            frames.add(i < 15 ? at(times[i], new Box(0, 0, 50, 50)) : at(times[i]));
        }
        var track = FaceTracker.track(frames, new FaceTracker.Options(0.3, 0.5, 1.0, 0.0, 0.0));
        // Windows of 0.5 s (10 frames): [0, .5) all face, [.5, 1) half (frames 10-14), [1, 1.5) none.
        assertArrayEquals(new boolean[] {true, true, false, false},
                track.windowMask(times, new double[] {0, 0.5, 1.0, 1.5}, 0.5, 0.5));
        assertArrayEquals(new boolean[] {true, false, false, false},
                track.windowMask(times, new double[] {0, 0.5, 1.0, 1.5}, 0.5, 0.6));
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class,
                () -> FaceTracker.track(List.of(at(1.0), at(0.5)), FaceTracker.Options.defaults()));
        assertThrows(IllegalArgumentException.class, () -> new FaceTracker.Options(2, 0.5, 1, 0.25, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new FaceTracker.Options(0.3, -1, 1, 0.25, 0.1));
        assertThrows(IllegalArgumentException.class, () -> at(Double.NaN));
    }
}
