package io.mater.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.SharedData;
import io.mater.engine.Rng;
import io.mater.vision.DecodeOptions;
import io.mater.vision.FaceCrop;
import io.mater.vision.FaceDetector;
import io.mater.vision.Ffmpeg;
import io.mater.vision.VideoDecoder;
import io.mater.vision.VideoFaces;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Emotion readings of real clips ({@code ../shared/data/video}) with small randomly initialised networks: the
 * plumbing (frames, crops at the network's size, batches, per-frame softmax, mean, labels), not the accuracy.
 */
class FaceVideoTest {
    static final VideoFaces.Options OPTIONS = VideoFaces.Options.defaults().withDetectEvery(8);
    static VideoFaces faces;
    static FaceNet net;

    @BeforeAll
    static void setUp() throws IOException {
        faces = new VideoFaces(FaceDetector.frontalFace(), Ffmpeg.system());
        net = new FaceNet(FaceNet.FER_CLASSES, 0.5f, 0.25f, 0.5f, 16, new Rng(7));
        net.eval();
    }

    static int decodedFrames(Path video) {
        try (var d = VideoDecoder.open(video, DecodeOptions.gray())) {
            int n = 0;
            while (d.hasNext()) {
                d.next();
                n++;
            }
            return n;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cremad/1001_DFA_ANG_XX.flv", "cremad/1001_DFA_HAP_XX.flv", "ravdess/01-01-07-02-02-01-01.mp4"})
    void everyFaceFrameIsADistributionAndTheClipReadingIsTheirMean(String name) {
        Path video = SharedData.path("video/" + name);
        var r = FaceVideo.read(net, faces, video, OPTIONS, 16);
        assertEquals(decodedFrames(video), r.frames(), "every frame is cropped");
        assertTrue(r.faceFrames() >= 0.9 * r.frames(), r.faceFrames() + " of " + r.frames() + " frames with a face");
        assertEquals(r.faceFrames() * 7, r.perFrame().length);
        var mean = new double[7];
        for (int i = 0; i < r.faceFrames(); i++) {
            double sum = 0;
            for (int k = 0; k < 7; k++) {
                float p = r.perFrame()[i * 7 + k];
                assertTrue(p > 0 && p < 1, "frame " + i + " class " + k + ": " + p);
                sum += p;
                mean[k] += p / r.faceFrames();
            }
            assertEquals(1.0, sum, 1e-5, "frame " + i);
        }
        double total = 0;
        int best = 0;
        for (int k = 0; k < 7; k++) {
            assertEquals(mean[k], r.mean()[k], 1e-6, "class " + k);
            total += r.mean()[k];
            if (r.mean()[k] > r.mean()[best]) best = k;
        }
        assertEquals(1.0, total, 1e-5);
        assertEquals(best, r.argmax());
        assertEquals(Optional.of(FaceNet.FER_CLASSES.get(best)), r.predicted());
        var label = r.label().orElseThrow();
        assertEquals(name.contains("HAP") ? "happy" : name.contains("ANG") ? "angry" : "disgust", label.fer().orElseThrow());
        assertEquals(Optional.of(label.fer().get().equals(FaceNet.FER_CLASSES.get(best))), r.correct());
    }

    @Test
    void batchingDoesNotChangeTheReadingAndCropsAreWhatTheNetworkSees() {
        Path video = SharedData.path("video/cremad/1001_DFA_SAD_XX.flv");
        var crop = FaceCrop.Options.defaults().withSize(48).withScale(1f / 255f);
        var opts = new VideoFaces.Options(8, 480, 1, OPTIONS.detector(), OPTIONS.tracker(), crop);
        var extracted = faces.extract(video, opts);
        var one = FaceVideo.read(net, extracted, 1);
        var seven = FaceVideo.read(net, extracted, 7);
        var all = FaceVideo.read(net, extracted, 10_000);
        assertArrayEquals(one.perFrame(), seven.perFrame(), 1e-6f);
        assertArrayEquals(one.perFrame(), all.perFrame(), 1e-6f);
        // frame by frame: the first face frame's distribution is the network's on that crop
        int first = 0;
        while (extracted.crops()[first] == null) first++;
        float[] p = net.probabilities(extracted.crops()[first], 1);
        for (int k = 0; k < 7; k++) assertEquals(p[k], all.perFrame()[k], 1e-6f);
        // the whole chain cuts the same crops
        assertArrayEquals(all.perFrame(), FaceVideo.read(net, faces, video, OPTIONS, 7).perFrame(), 1e-6f);
        assertEquals("sad", all.label().orElseThrow().emotion());
    }

    @Test
    void materRefLayoutReadsVideosAt224Pixels() throws IOException {
        var m = FaceModel.loadClassifier(VggmFaceTest.fixture("vggm-bn-s32-224", "model.safetensors"));
        Path video = SharedData.path("video/cremad/1001_DFA_NEU_XX.flv");
        var r = FaceVideo.read(m, faces, video, VideoFaces.Options.defaults().withDetectEvery(8).withCropEvery(4), 8);
        assertTrue(r.faceFrames() >= 0.9 * r.frames() && r.frames() >= 14, r.faceFrames() + " of " + r.frames());
        double total = 0;
        for (float v : r.mean()) total += v;
        assertEquals(1.0, total, 1e-5);
        assertEquals("neutral", r.label().orElseThrow().fer().orElseThrow());
    }

    @Test
    void aVideoWithoutAFaceGivesZeroFramesNotACrash(@TempDir Path tmp) throws Exception {
        Path noFace = tmp.resolve("pattern.mp4");
        var p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
                "-t", "1", "-pix_fmt", "yuv420p", noFace.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        var r = FaceVideo.read(net, faces, noFace, OPTIONS, 16);
        assertEquals(10, r.frames());
        assertEquals(0, r.faceFrames());
        assertEquals(0, r.perFrame().length);
        assertArrayEquals(new float[7], r.mean());
        assertEquals(-1, r.argmax());
        assertEquals(Optional.empty(), r.predicted());
        assertEquals(Optional.empty(), r.correct());
        assertEquals(Optional.empty(), r.label());
    }
}
