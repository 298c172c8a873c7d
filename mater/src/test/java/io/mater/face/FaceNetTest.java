package io.mater.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.SharedData;
import io.mater.engine.Losses;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.io.SafeTensors;
import io.mater.nn.optim.Adam;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaceNetTest {
    static Path fer;
    static Fer2013 small; // 4 training images per class, real FER2013 faces

    @BeforeAll
    static void load() throws IOException {
        fer = SharedData.path("fer2013");
        small = Fer2013.load(fer.resolve("train"), FaceNet.FER_CLASSES, 4);
    }

    @Test
    void realNetworkShapesAndParameterCount() {
        var net = new FaceNet(new Rng(3));
        // conv1 1x96x7x7, conv2 96x256x5x5, conv3 256x512x3x3, conv4/conv5 512x512x3x3 (+ biases), five batch norms
        // (weight + bias), fc6 2048x1024, fc7 1024x1024, fc8 1024x7 (+ biases)
        long expected = (96 * 49 + 96) + (96 * 256 * 25 + 256) + (256 * 512 * 9 + 512) + 2L * (512 * 512 * 9 + 512)
                + 2 * (96 + 256 + 3 * 512) + (2048 * 1024 + 1024) + (1024 * 1024 + 1024) + (1024 * 7 + 7);
        assertEquals(expected, net.parameterCount());
        net.eval();
        var x = Tensor.of(net.normalise(Arrays.copyOf(small.pixels(), 2 * Fer2013.PIXELS)), 2, 1, 48, 48);
        assertArrayEquals(new int[] {2, 512, 4, 4}, net.conv5(x).shape());
        assertArrayEquals(new int[] {2, 7}, net.logits(x).shape());
        var e = net.embed(x);
        assertArrayEquals(new int[] {2, 512}, e.shape());
        // embedding = mean over H, W of the conv5 ReLU output
        float[] c5 = net.conv5(x).data(), emb = e.data();
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 512; c += 97) {
                double s = 0;
                for (int i = 0; i < 16; i++) s += c5[(n * 512 + c) * 16 + i];
                assertEquals(s / 16, emb[n * 512 + c], 1e-5);
                assertTrue(emb[n * 512 + c] >= 0, "ReLU output");
            }
        var bad = assertThrows(IllegalArgumentException.class, () -> net.logits(Tensor.zeros(1, 3, 48, 48)));
        assertTrue(bad.getMessage().contains("[1, 1, 48, 48]") || bad.getMessage().contains("[N, 1, 48, 48]"), bad.getMessage());
    }

    @Test
    void fewTrainingStepsOnRealFacesMakeTheLossFall() {
        var net = new FaceNet(FaceNet.FER_CLASSES, 0.5f, 0.25f, 0f, 8, new Rng(11));
        var opt = Adam.adamW(net.namedParameters(), 1e-3, 0.05);
        int n = small.size();
        var x = Tensor.of(net.normalise(small.pixels()), n, 1, 48, 48);
        float[] yl = new float[n];
        for (int i = 0; i < n; i++) yl[i] = small.labels()[i];
        var y = Tensor.of(yl, n);
        float first = 0, last = 0;
        for (int step = 0; step < 12; step++) {
            var loss = Losses.crossEntropy(net.logits(x), y);
            net.zeroGrad();
            loss.backward();
            opt.step();
            if (step == 0) first = loss.item();
            last = loss.item();
        }
        assertTrue(first > 1.5f, "initial loss near ln 7 = 1.95, got " + first);
        assertTrue(last < 0.6f * first, "loss should fall: " + first + " -> " + last);
    }

    @Test
    void saveLoadRoundTripKeepsWeightsAndMetadata(@TempDir Path tmp) throws IOException {
        var net = new FaceNet(FaceNet.FER_CLASSES, 0.51f, 0.26f, 0.5f, 8, new Rng(5));
        net.eval();
        Path file = tmp.resolve("sub/dir/face.safetensors");
        Files.createDirectories(file.getParent());
        net.save(file);
        var meta = SafeTensors.read(file).metadata();
        assertEquals("angry,disgust,fear,happy,neutral,sad,surprise", meta.get("classes"));
        assertEquals("48", meta.get("input_size"));
        assertEquals("1", meta.get("input_channels"));
        assertEquals("1", meta.get("conv1_stride"));
        assertEquals("0.51", meta.get("pixel_mean"));
        assertEquals("0.26", meta.get("pixel_std"));
        assertEquals(FaceNet.HEAD, meta.get("head"));
        var back = FaceNet.load(file);
        assertEquals(net.classes(), back.classes());
        assertEquals(48, back.inputSize());
        assertArrayEquals(net.normalise(new float[] {0f, 0.5f, 1f}), back.normalise(new float[] {0f, 0.5f, 1f}));
        var x = Tensor.of(net.normalise(Arrays.copyOf(small.pixels(), 3 * Fer2013.PIXELS)), 3, 1, 48, 48);
        assertArrayEquals(net.logits(x).data(), back.logits(x).data());
        assertArrayEquals(net.embed(x).data(), back.embed(x).data());
        // only temp-free output: no stray temp files beside it
        try (var s = Files.list(file.getParent())) {
            assertEquals(List.of("face.safetensors"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void loadRejectsOtherFiles(@TempDir Path tmp) throws IOException {
        Path other = tmp.resolve("other.safetensors");
        SafeTensors.write(other, java.util.Map.of("w", Tensor.zeros(2)), java.util.Map.of("format", "something-else"));
        var e = assertThrows(IOException.class, () -> FaceNet.load(other));
        assertTrue(e.getMessage().contains("other.safetensors") && e.getMessage().contains("classes"), e.getMessage());
        assertThrows(FileNotFoundException.class, () -> FaceNet.load(tmp.resolve("missing.safetensors")));
    }

    @Test
    void readsRealJpegsAsGreyOnUnitScale() throws IOException {
        assertArrayEquals(new int[] {4, 4, 4, 4, 4, 4, 4}, small.counts());
        Path first = small.files().get(0);
        assertTrue(first.toString().contains("angry"), first.toString());
        var img = javax.imageio.ImageIO.read(first.toFile());
        assertEquals(48, img.getWidth());
        float[] grey = Fer2013.readGrey(first, 48);
        for (int y = 0; y < 48; y += 7)
            for (int x = 0; x < 48; x += 5) assertEquals(img.getRaster().getSample(x, y, 0) / 255f, grey[y * 48 + x], 0f);
        assertArrayEquals(grey, Arrays.copyOf(small.pixels(), Fer2013.PIXELS));
        float lo = 1, hi = 0;
        for (float v : small.pixels()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        assertTrue(lo >= 0 && hi <= 1 && hi - lo > 0.5f, lo + " " + hi);
    }

    @Test
    void augmentIsAFlipAndShiftOfTheNormalisedImage() {
        float mean = 0.5f, std = 0.25f;
        var rng = new Rng(9);
        float[] out = new float[2 * Fer2013.PIXELS];
        for (int trial = 0; trial < 20; trial++) {
            int idx = trial % small.size();
            FaceTrainer.augment(small.pixels(), idx, mean, std, 3, rng, out, 1);
            int matches = 0;
            for (int flip = 0; flip < 2; flip++)
                for (int dy = -3; dy <= 3; dy++)
                    for (int dx = -3; dx <= 3; dx++) {
                        boolean same = true;
                        for (int y = 0; y < 48 && same; y++)
                            for (int x = 0; x < 48 && same; x++) {
                                int sy = y + dy, sx = (flip == 1 ? 47 - x : x) + dx;
                                float want = sy < 0 || sy > 47 || sx < 0 || sx > 47 ? 0f : (small.pixels()[idx * Fer2013.PIXELS + sy * 48 + sx] - mean) / std;
                                same = Math.abs(want - out[Fer2013.PIXELS + y * 48 + x]) < 1e-5f;
                            }
                        if (same) matches++;
                    }
            assertTrue(matches >= 1, "trial " + trial + ": output is no flip/shift of the image");
        }
    }

    @Test
    void badInputGivesClearErrors(@TempDir Path tmp) throws IOException {
        var missing = assertThrows(FileNotFoundException.class, () -> Fer2013.load(tmp.resolve("nope"), FaceNet.FER_CLASSES, 0));
        assertTrue(missing.getMessage().contains("nope") && missing.getMessage().contains("no such directory"), missing.getMessage());
        Files.createDirectories(tmp.resolve("split/angry"));
        var noClass = assertThrows(FileNotFoundException.class, () -> Fer2013.load(tmp.resolve("split"), FaceNet.FER_CLASSES, 0));
        assertTrue(noClass.getMessage().contains("'disgust'"), noClass.getMessage());
        Path text = tmp.resolve("notes.jpg");
        Files.writeString(text, "this is not a picture");
        var notImage = assertThrows(IOException.class, () -> Fer2013.readGrey(text, 48));
        assertTrue(notImage.getMessage().contains("notes.jpg") && notImage.getMessage().contains("not an image"), notImage.getMessage());
        for (String c : FaceNet.FER_CLASSES) Files.createDirectories(tmp.resolve("split/" + c));
        Files.copy(text, tmp.resolve("split/fear/x.jpg"));
        var inSplit = assertThrows(IOException.class, () -> Fer2013.load(tmp.resolve("split"), FaceNet.FER_CLASSES, 0));
        assertTrue(inSplit.getMessage().contains("x.jpg"), inSplit.getMessage());
    }
}
