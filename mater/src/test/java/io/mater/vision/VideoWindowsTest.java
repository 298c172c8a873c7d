package io.mater.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.Parallel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Window assignment on the audio clock, mean then l2 norm, masks, batching, the VGG-M adapter, real videos. */
class VideoWindowsTest {
    /** Embeds a crop of side 2 as [sum of pixels, first pixel, 1]: easy to compute by hand. */
    static final class SumEmbedder implements CropEmbedder {
        int calls;

        public int size() { return 2; }
        public int dim() { return 3; }
        public String name() { return "sum"; }

        public float[] embed(float[] crops, int count) {
            check(crops, count);
            calls++;
            var out = new float[count * 3];
            for (int i = 0; i < count; i++) {
                for (int p = 0; p < 4; p++) out[i * 3] += crops[i * 4 + p];
                out[i * 3 + 1] = crops[i * 4];
                out[i * 3 + 2] = 1;
            }
            return out;
        }
    }

    /** Frames at 10 fps; frame i has a face unless noFace[i], and its crop is four pixels equal to v[i]. */
    static VideoFaces.Result clip(float[] v, boolean[] noFace) {
        int n = v.length;
        var times = new double[n];
        var index = new int[n];
        var boxes = new Box[n];
        var crops = new float[n][];
        for (int i = 0; i < n; i++) {
            times[i] = i * 0.1;
            index[i] = i;
            if (!noFace[i]) {
                boxes[i] = new Box(0, 0, 10, 10);
                crops[i] = new float[] {v[i], v[i], v[i], v[i]};
            }
        }
        return new VideoFaces.Result(Path.of("synthetic.mp4"), 20, 20, times, index, boxes, crops, List.of(), null);
    }

    @Test
    void windowOfUsesHalfOpenIntervalsFromTheAudioStart() {
        assertEquals(0, VideoWindows.windowOf(0.0, 0, 0.5, 4));
        assertEquals(0, VideoWindows.windowOf(0.4999, 0, 0.5, 4));
        assertEquals(1, VideoWindows.windowOf(0.5, 0, 0.5, 4));
        assertEquals(3, VideoWindows.windowOf(1.99, 0, 0.5, 4));
        assertEquals(-1, VideoWindows.windowOf(2.0, 0, 0.5, 4));
        assertEquals(-1, VideoWindows.windowOf(0.02, 0.027, 0.5, 4)); // before the audio starts
        assertEquals(0, VideoWindows.windowOf(0.03, 0.027, 0.5, 4));
        assertEquals(1, VideoWindows.windowOf(0.6 + 1e-12, 0.1, 0.5, 4)); // 0.6 - 0.1 is 0.5 up to rounding
    }

    @Test
    void meanOfTheWindowsFramesThenUnitNorm() {
        // 20 frames at 0.1 s, windows of 0.5 s -> frames 0-4, 5-9, 10-14, 15-19; frames 5..9 have no face,
        // frame 12 has none either; a 5th window lies past the end of the video.
        float[] v = new float[20];
        boolean[] none = new boolean[20];
        for (int i = 0; i < 20; i++) v[i] = i + 1;
        for (int i = 5; i < 10; i++) none[i] = true;
        none[12] = true;
        var e = VideoWindows.embed(clip(v, none), 5, 0.5, 0, new SumEmbedder(), 3);
        assertArrayEquals(new boolean[] {true, false, true, true, false}, e.mask());
        assertArrayEquals(new float[] {1, 0, 1, 1, 0}, e.maskFloats());
        assertEquals(20, e.frames());
        assertEquals(14, e.faceFrames());
        // window 0: frames 1..5 -> mean [4 * 3, 3, 1]; window 2: frames 11, 12, 14, 15 -> mean value 13
        assertWindow(e.embeddings(), 0, 12, 3, 1);
        assertWindow(e.embeddings(), 2, 4 * 13, 13, 1);
        assertWindow(e.embeddings(), 3, 4 * 18, 18, 1);
        for (int w : new int[] {1, 4})
            for (int j = 0; j < 3; j++) assertEquals(0f, e.embeddings()[w * 3 + j], "no-face window " + w + " is the zero vector");
    }

    static void assertWindow(float[] emb, int w, double a, double b, double c) {
        double norm = Math.sqrt(a * a + b * b + c * c);
        assertEquals(a / norm, emb[w * 3], 1e-6, "window " + w);
        assertEquals(b / norm, emb[w * 3 + 1], 1e-6, "window " + w);
        assertEquals(c / norm, emb[w * 3 + 2], 1e-6, "window " + w);
    }

    @Test
    void startShiftsTheWindowsAndDropsEarlierFrames() {
        float[] v = new float[10];
        for (int i = 0; i < 10; i++) v[i] = i;
        var e = VideoWindows.embed(clip(v, new boolean[10]), 2, 0.3, 0.25, new SumEmbedder(), 64);
        // frames at 0.3, 0.4, 0.5 -> window 0 (values 3, 4, 5); 0.6, 0.7, 0.8 -> window 1 (6, 7, 8)
        assertWindow(e.embeddings(), 0, 16, 4, 1);
        assertWindow(e.embeddings(), 1, 28, 7, 1);
        assertEquals(6, e.faceFrames());
    }

    @Test
    void batchSizeDoesNotChangeTheResult() {
        float[] v = new float[23];
        boolean[] none = new boolean[23];
        for (int i = 0; i < 23; i++) {
            v[i] = (float) Math.sin(i);
            none[i] = i % 5 == 3;
        }
        var one = new SumEmbedder();
        var ref = VideoWindows.embed(clip(v, none), 5, 0.5, 0, one, 1);
        assertEquals(19, one.calls); // 23 frames, 4 without a face (3, 8, 13, 18)
        for (int b : new int[] {2, 7, 17, 64}) {
            var e = VideoWindows.embed(clip(v, none), 5, 0.5, 0, new SumEmbedder(), b);
            assertArrayEquals(ref.embeddings(), e.embeddings(), "batch " + b);
        }
    }

    @Test
    void badArgumentsAreNamed() {
        var r = clip(new float[] {1, 2}, new boolean[2]);
        var e = new SumEmbedder();
        assertThrows(IllegalArgumentException.class, () -> VideoWindows.embed(r, 0, 0.5, 0, e, 4));
        assertThrows(IllegalArgumentException.class, () -> VideoWindows.embed(r, 2, 0.5, 0, e, 0));
        var wrongSize = new VideoFaces.Result(Path.of("x.mp4"), 20, 20, new double[] {0}, new int[] {0}, new Box[] {new Box(0, 0, 1, 1)},
                new float[][] {new float[9]}, List.of(), null);
        var ex = assertThrows(IllegalArgumentException.class, () -> VideoWindows.embed(wrongSize, 1, 0.5, 0, e, 4));
        assertTrue(ex.getMessage().contains("x.mp4") && ex.getMessage().contains("2 x 2"), ex.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> e.embed(new float[5], 1));
        assertTrue(bad.getMessage().contains("need 4 floats, got 5"), bad.getMessage());
    }

    @Test
    void vggmAdapterIsVggmOnGreyReplicatedToThreeChannels() {
        var emb = VGGMCropEmbedder.random(8, 48, 3);
        assertEquals(48, emb.size());
        assertEquals(64, emb.dim());
        int n = 3, px = 48 * 48;
        var crops = new float[n * px];
        for (int i = 0; i < crops.length; i++) crops[i] = (float) ((Math.sin(i * 0.37) + 1) / 2);
        float[] got = emb.embed(crops, n);
        assertEquals(n * 64, got.length);
        // the same through a second adapter with the same seed, one crop at a time
        var again = VGGMCropEmbedder.random(8, 48, 3);
        for (int i = 0; i < n; i++) {
            float[] one = again.embed(java.util.Arrays.copyOfRange(crops, i * px, (i + 1) * px), 1);
            for (int j = 0; j < 64; j++) assertEquals(got[i * 64 + j], one[j], 1e-5f, "crop " + i + " feature " + j);
        }
        // a constant crop of 0.5 is an all-zero input: the embedding is then the ReLU of the biases alone,
        // so it must differ from that of a textured crop
        float[] flat = emb.embed(filled(px, 0.5f), 1);
        boolean differs = false;
        for (int j = 0; j < 64; j++) differs |= Math.abs(flat[j] - got[j]) > 1e-4;
        assertTrue(differs);
        assertThrows(IllegalArgumentException.class, () -> VGGMCropEmbedder.random(8, 16, 0));
    }

    static float[] filled(int n, float v) {
        var f = new float[n];
        java.util.Arrays.fill(f, v);
        return f;
    }

    @Test
    void vggmWeightsRoundTripAndIncompleteFilesAreRefused(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        var net = new io.mater.model.VGGM(7, false, 8, new io.mater.engine.Rng(5));
        var state = net.stateDict();
        Path file = tmp.resolve("vggm.safetensors");
        io.mater.engine.io.SafeTensors.write(file, state);
        var a = VGGMCropEmbedder.load(file, 48);
        var b = new VGGMCropEmbedder(net, 48, "direct");
        var crops = new float[2 * 48 * 48];
        for (int i = 0; i < crops.length; i++) crops[i] = (i % 97) / 96f;
        assertArrayEquals(b.embed(crops, 2), a.embed(crops, 2));
        state.remove("conv4.weight");
        Path broken = tmp.resolve("broken.safetensors");
        io.mater.engine.io.SafeTensors.write(broken, state);
        var ex = assertThrows(java.io.IOException.class, () -> VGGMCropEmbedder.load(broken, 48));
        assertTrue(ex.getMessage().contains("broken.safetensors") && ex.getMessage().contains("conv4.weight"), ex.getMessage());
        var spec = assertThrows(java.io.FileNotFoundException.class, () -> CropEmbedder.parse("vggm:" + tmp.resolve("none")));
        assertTrue(spec.getMessage().contains("none"));
        assertThrows(IllegalArgumentException.class, () -> CropEmbedder.parse("facenet"));
    }

    @Test
    void realClipsHaveAFaceInEveryWindowAndTheSameResultOnAnyThreadCount() throws Exception {
        var videos = List.of(TestData.video("cremad/1001_DFA_ANG_XX.flv"), TestData.video("cremad/1001_DFA_SAD_XX.flv"));
        var emb = VGGMCropEmbedder.random(16, 48, 1);
        var opts = VideoFaces.Options.defaults().withDetectEvery(8);
        var detector = FaceDetector.frontalFace();
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            var one = VideoWindows.embedAll(Ffmpeg.system(), detector, videos, new boolean[] {true, true}, opts, 4, 0.5, emb, 16, null);
            Parallel.setThreads(2);
            var two = VideoWindows.embedAll(Ffmpeg.system(), detector, videos, new boolean[] {true, true}, opts, 4, 0.5, emb, 16, null);
            assertArrayEquals(one.embeddings(), two.embeddings());
            assertArrayEquals(one.mask(), two.mask());
            assertArrayEquals(new String[2], one.errors());
            // CREMA-D (about 2 s): a face in every 0.5 s window
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, one.mask());
            for (int w = 0; w < 8; w++) {
                double ss = 0;
                for (int j = 0; j < emb.dim(); j++) ss += Math.pow(one.embeddings()[w * emb.dim() + j], 2);
                assertEquals(1.0, ss, 1e-5, "window " + w + " is unit length");
            }
            assertTrue(one.frames() > 100 && one.faceFrames() > 100, one.frames() + " frames");
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void aBadVideoIsReportedPerClip(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path junk = tmp.resolve("junk.flv");
        java.nio.file.Files.writeString(junk, "not a video");
        var r = VideoWindows.embedAll(Ffmpeg.system(), FaceDetector.frontalFace(), List.of(junk), new boolean[] {true},
                VideoFaces.Options.defaults(), 2, 0.5, new SumEmbedder(), 4, null);
        assertTrue(r.errors()[0] != null && r.errors()[0].contains("junk.flv"), String.valueOf(r.errors()[0]));
        assertArrayEquals(new float[] {0, 0}, r.mask());
        assertFalse(r.errors()[0].isBlank());
    }
}
