package io.mater.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faces in the real clips: detection (frames shrunk to 240 pixels wide, parameters 1.1 / 5 / 30x30), tracking
 * and crops. Thresholds: a talking-face clip has a face in >= 90 % of the analysed frames and, after
 * tracking, in >= 98 % of all frames (measured: 100 %); in face_noface.mov / noface_face.mov the switch
 * between face and cartoon is found within 0.2 s of where it is (2.40 s / 3.95 s, found by looking at the
 * frames), with a face in >= 90 % of frames more than 0.3 s on the face side and in <= 5 % on the other.
 */
class VideoFacesTest {
    private static VideoFaces faces;
    private static final VideoFaces.Options OPTIONS = VideoFaces.Options.defaults().withDetectWidth(240);

    @BeforeAll
    static void load() throws IOException {
        faces = new VideoFaces(FaceDetector.frontalFace(), Ffmpeg.system());
    }

    private static double[] frameTimes(Path video) {
        return VideoDecoder.readAll(video, DecodeOptions.gray().withSize(16, -1)).stream().mapToDouble(Frame::time).toArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cremad/1001_DFA_ANG_XX.flv", "cremad/1001_DFA_DIS_XX.flv", "cremad/1001_DFA_FEA_XX.flv",
        "cremad/1001_DFA_HAP_XX.flv", "cremad/1001_DFA_NEU_XX.flv", "cremad/1001_DFA_SAD_XX.flv", "grid/bbaf2n.mpg",
        "grid/lbax4n.mpg", "grid/sbwe5n.mpg", "ravdess/01-01-07-02-02-01-01.mp4", "face-presence/single_face.mp4"})
    void talkingFacesAreFoundInNearlyEveryFrame(String file) {
        Path video = TestData.video(file);
        var detections = faces.detect(video, OPTIONS.withDetectEvery(3));
        long hits = detections.stream().filter(d -> !d.boxes().isEmpty()).count();
        double rate = (double) hits / detections.size();
        var track = FaceTracker.track(detections, OPTIONS.tracker());
        double[] times = frameTimes(video);
        double tracked = track.presentFraction(times, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        System.out.printf("%s: face in %d/%d analysed frames (%.1f %%), %.1f %% of %d frames after tracking%n", file,
                hits, detections.size(), 100 * rate, 100 * tracked, times.length);
        assertTrue(rate >= 0.9, file + ": face in " + hits + " of " + detections.size() + " analysed frames");
        assertTrue(tracked >= 0.98, file + ": tracked face in " + tracked + " of the frames");
        // The talking face is big in these clips: more than a fifth of the frame height.
        var any = track.boxAt(times[times.length / 2]);
        assertNotNull(any);
        assertTrue(any.height() > 0.2 * VideoInfo.probe(video).video().orElseThrow().height(), "box " + any);
    }

    @ParameterizedTest
    @ValueSource(strings = {"face_noface.mov:2.40:true", "noface_face.mov:3.95:false"})
    void faceAndNoFacePartsAreTold(String spec) {
        String[] s = spec.split(":");
        Path video = TestData.video("face-presence/" + s[0]);
        double cut = Double.parseDouble(s[1]);
        boolean faceFirst = Boolean.parseBoolean(s[2]);
        var detections = faces.detect(video, OPTIONS.withDetectEvery(2));
        // The switch: between the last analysed frame of the first part and the first of the second.
        int firstOfSecond = -1;
        for (int i = 0; i < detections.size(); i++) {
            boolean face = !detections.get(i).boxes().isEmpty();
            if (face != faceFirst) {
                // The rest (but for single frames) belongs to the second part.
                long sameAfter = detections.subList(i, detections.size()).stream()
                        .filter(d -> d.boxes().isEmpty() == faceFirst).count();
                if (sameAfter >= 0.9 * (detections.size() - i)) {
                    firstOfSecond = i;
                    break;
                }
            }
        }
        assertTrue(firstOfSecond > 0, "no switch found in " + video);
        double found = 0.5 * (detections.get(firstOfSecond - 1).time() + detections.get(firstOfSecond).time());
        assertEquals(cut, found, 0.2, "face/no-face switch in " + video);

        var track = FaceTracker.track(detections, OPTIONS.tracker());
        double[] times = frameTimes(video);
        double faceSide = faceFirst ? track.presentFraction(times, 0, cut - 0.3) : track.presentFraction(times, cut + 0.3, 99);
        double otherSide = faceFirst ? track.presentFraction(times, cut + 0.3, 99) : track.presentFraction(times, 0, cut - 0.3);
        System.out.printf("%s: switch at %.3f s; tracked face on the face side %.1f %%, on the cartoon side %.1f %%%n",
                s[0], found, 100 * faceSide, 100 * otherSide);
        assertTrue(faceSide >= 0.9, "face side: " + faceSide);
        assertTrue(otherSide <= 0.05, "no-face side: " + otherSide);
    }

    @Test
    void cropsEveryFrameOfAClip() {
        var r = faces.extract(TestData.video("face-presence/single_face.mp4"), OPTIONS.withDetectEvery(3));
        assertEquals(72, r.times().length);
        assertEquals(72, r.crops().length);
        assertEquals(640, r.width());
        assertEquals(1.0, r.presenceRate());
        for (int i = 0; i < 72; i++) {
            assertEquals(i, r.frameIndex()[i]);
            float[] c = r.crops()[i];
            assertEquals(96 * 96, c.length);
            double mean = 0, sq = 0;
            for (float v : c) {
                assertTrue(v >= 0 && v <= 1, "value " + v);
                mean += v;
                sq += v * v;
            }
            mean /= c.length;
            assertTrue(Math.sqrt(sq / c.length - mean * mean) > 0.05, "a face crop has contrast");
        }
        // Consecutive crops of a talking head are similar (the box is smoothed, not jumping).
        double diff = 0;
        for (int i = 0; i < 96 * 96; i++) diff += Math.abs(r.crops()[30][i] - r.crops()[31][i]);
        assertTrue(diff / (96 * 96) < 0.05, "mean change between neighbouring crops " + diff / (96 * 96));
    }

    @Test
    void framesWithoutAFaceHaveNoCrop() {
        var r = faces.extract(TestData.video("face-presence/face_noface.mov"),
                OPTIONS.withDetectEvery(4).withCropEvery(4));
        assertEquals(43, r.times().length);
        boolean[] mask = r.mask();
        for (int i = 0; i < mask.length; i++) {
            if (r.times()[i] < 2.0) assertNotNull(r.crops()[i], "frame at " + r.times()[i]);
            if (r.times()[i] > 2.8) assertNull(r.crops()[i], "frame at " + r.times()[i]);
            assertEquals(mask[i], r.crops()[i] != null);
        }
        // Windows of 0.5 s over the clip: the first four have the face, the last five not.
        double[] starts = {0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5};
        boolean[] w = r.track().windowMask(r.times(), starts, 0.5, 0.5);
        assertEquals(List.of(true, true, true, true), List.of(w[0], w[1], w[2], w[3]));
        for (int i = 6; i < w.length; i++) assertTrue(!w[i], "window " + starts[i]);
    }
}
