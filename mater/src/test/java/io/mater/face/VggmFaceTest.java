package io.mater.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.Autograd;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.io.SafeTensors;
import io.mater.model.VGGM;
import io.mater.vision.CropEmbedder;
import io.mater.vision.VGGMCropEmbedder;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weights in mater_ref.py's vggm layout read through {@link FaceModel#load}: layout and widths told from the
 * tensors, the outputs PyTorch computed for the same file (fixtures written by mater_ref.py: vggm-bn-s48-96
 * with `vggm --size 96 --batch 1 --scale 48 --seed 11`, the file exactly as mater_ref.py writes it, head
 * included; the 224-px ones, which have the head's logits, from the model package's parity tests), and
 * clear errors for files that do not fit.
 */
class VggmFaceTest {
    @TempDir
    Path tmp;

    static Path fixture(String name, String file) {
        var url = VggmFaceTest.class.getResource("/fixtures/" + name + "/" + file);
        if (url == null) throw new IllegalStateException("fixture " + name + "/" + file + " is missing from the test resources");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Tensor> tensors(String name, String file) throws IOException {
        return SafeTensors.read(fixture(name, file)).tensors();
    }

    /** max |a - e| / max(max |e|, 1e-6). */
    static double relativeError(float[] a, float[] e) {
        assertEquals(e.length, a.length, "length");
        double err = 0, scale = 1e-6;
        for (int i = 0; i < a.length; i++) {
            err = Math.max(err, Math.abs(a[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        return err / scale;
    }

    @Test
    void materRefFileAsWrittenReproducesPyTorchsFaceEmbedding() throws Exception {
        Path file = fixture("vggm-bn-s48-96", "model.safetensors");
        assertEquals(FaceModel.Layout.VGGM_REF, FaceModel.layout(file));
        var m = assertInstanceOf(VggmFace.class, FaceModel.load(file));
        assertEquals(48, m.widthScale()); // conv1.weight [2, 3, 7, 7]: widths 2, 5, 10, 10, 10, fc 85
        assertEquals(10, m.embeddingSize());
        assertEquals(96, m.embedSize());
        assertEquals(224, m.classifySize());
        assertEquals(FaceNet.FER_CLASSES, m.classes(), "fc8.weight has 7 rows: FER2013's classes");
        Tensor x = tensors("vggm-bn-s48-96", "inputs.safetensors").get("input"); // [1, 3, 96, 96]
        Tensor face;
        try (var ignored = Autograd.noGrad()) {
            face = m.network().faceEmbedding(x);
        }
        double err = relativeError(face.contiguous().toArray(), tensors("vggm-bn-s48-96", "expected.safetensors").get("face512").toArray());
        System.out.printf("vggm-bn-s48-96 face512 relative error %.2e%n", err);
        assertTrue(err <= 1e-4, "face512 relative error " + err);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vggm-bn-s32-224", "vggm-lrn-s32-224"})
    void headReproducesPyTorchsLogitsAndGreyCropsGoIntoAllThreeChannels(String name) throws Exception {
        var m = assertInstanceOf(VggmFace.class, FaceModel.loadClassifier(fixture(name, "model.safetensors")));
        assertEquals(name.contains("lrn"), m.lrn());
        assertEquals(32, m.widthScale());
        Tensor x = tensors(name, "inputs.safetensors").get("input"); // [1, 3, 224, 224]
        double err = relativeError(m.logits(x).contiguous().toArray(), tensors(name, "expected.safetensors").get("logits").toArray());
        System.out.printf("%s logits relative error %.2e%n", name, err);
        assertTrue(err <= 1e-4, name + ": logits relative error " + err);

        // probabilities of grey crops: softmax of the logits of (x - 0.5) / 0.5 copied into R, G and B
        int n = 2, px = 224 * 224;
        float[] grey = Tensor.rand(new Rng(9), n * px).toArray();
        float[] p = m.probabilities(grey, n);
        var rgb = new float[n * 3 * px];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                for (int q = 0; q < px; q++) rgb[(i * 3 + c) * px + q] = (grey[i * px + q] - 0.5f) / 0.5f;
        float[] logits = m.logits(Tensor.of(rgb, n, 3, 224, 224)).contiguous().toArray();
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY, z = 0, sum = 0;
            for (int k = 0; k < 7; k++) max = Math.max(max, logits[i * 7 + k]);
            for (int k = 0; k < 7; k++) z += Math.exp(logits[i * 7 + k] - max);
            for (int k = 0; k < 7; k++) {
                assertEquals(Math.exp(logits[i * 7 + k] - max) / z, p[i * 7 + k], 1e-6, "crop " + i + " class " + k);
                sum += p[i * 7 + k];
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }

    @Test
    void videoEmbedderReadsTheMaterRefLayoutAt96Pixels() throws Exception {
        Path file = fixture("vggm-bn-s48-96", "model.safetensors");
        var e = assertInstanceOf(VGGMCropEmbedder.class, CropEmbedder.parse("vggm:" + file));
        assertEquals(96, e.size());
        assertEquals(10, e.dim());
        var m = VggmFace.load(file);
        int n = 3, px = 96 * 96;
        float[] grey = Tensor.rand(new Rng(4), n * px).toArray();
        var rgb = new float[n * 3 * px];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                for (int q = 0; q < px; q++) rgb[(i * 3 + c) * px + q] = (grey[i * px + q] - 0.5f) * 2f;
        float[] expected;
        try (var ignored = Autograd.noGrad()) {
            expected = m.network().faceEmbedding(Tensor.of(rgb, n, 3, 96, 96)).contiguous().toArray();
        }
        assertArrayEquals(expected, e.embed(grey, n), 1e-6f);
        assertArrayEquals(expected, m.embeddings(grey, n), 1e-6f);
    }

    @Test
    void metadataSetsCropSizeNormalisationAndClassNames() throws Exception {
        var state = SafeTensors.read(fixture("vggm-bn-s48-96", "model.safetensors")).tensors();
        Path file = tmp.resolve("meta.safetensors");
        SafeTensors.write(file, state, Map.of("input_size", "64", "pixel_mean", "0.4", "pixel_std", "0.2", "classes", "a,b,c,d,e,f,g"));
        var m = VggmFace.load(file);
        assertEquals(64, m.embedSize());
        assertEquals(0.4f, m.pixelMean());
        assertEquals(0.2f, m.pixelStd());
        assertEquals(java.util.List.of("a", "b", "c", "d", "e", "f", "g"), m.classes());
        assertEquals(64, CropEmbedder.parse("vggm:" + file).size());
        float[] grey = {0.6f};
        assertEquals(1f, m.input(grey, 1, 1).toArray()[2], 1e-6f); // (0.6 - 0.4) / 0.2 in channel 3
    }

    @Test
    void filesThatDoNotFitGiveClearErrors() throws Exception {
        var full = SafeTensors.read(fixture("vggm-bn-s48-96", "model.safetensors")).tensors();

        // a head of 5 classes: fine as an embedder, refused for predict/evaluate
        var five = new LinkedHashMap<>(new VGGM(5, false, 48, new Rng(1)).stateDict());
        Path fiveFile = tmp.resolve("five.safetensors");
        SafeTensors.write(fiveFile, five);
        assertEquals(5, VggmFace.load(fiveFile).classes().size());
        var e1 = assertThrows(IOException.class, () -> FaceModel.loadClassifier(fiveFile));
        assertTrue(e1.getMessage().contains("five.safetensors") && e1.getMessage().contains("5 classes") && e1.getMessage().contains("7 FER classes"), e1.getMessage());

        // no head at all (conv weights only): an embedder, not a classifier
        var conv = new LinkedHashMap<String, Tensor>();
        full.forEach((k, v) -> { if (!VggmFace.isHead(k)) conv.put(k, v); });
        Path convFile = tmp.resolve("conv.safetensors");
        SafeTensors.write(convFile, conv);
        assertTrue(VggmFace.load(convFile).classes().isEmpty());
        var e2 = assertThrows(IOException.class, () -> FaceModel.loadClassifier(convFile));
        assertTrue(e2.getMessage().contains("conv.safetensors") && e2.getMessage().contains("no classification head"), e2.getMessage());

        // part of a head
        var part = new LinkedHashMap<>(full);
        part.remove("fc7.weight");
        Path partFile = tmp.resolve("part.safetensors");
        SafeTensors.write(partFile, part);
        var e3 = assertThrows(IOException.class, () -> FaceModel.load(partFile));
        assertTrue(e3.getMessage().contains("part.safetensors") && e3.getMessage().contains("part of the vggm head"), e3.getMessage());

        // a conv layer of the wrong width
        var wrong = new LinkedHashMap<>(full);
        wrong.put("conv3.weight", Tensor.zeros(11, 5, 3, 3));
        Path wrongFile = tmp.resolve("wrong.safetensors");
        SafeTensors.write(wrongFile, wrong);
        var e4 = assertThrows(IOException.class, () -> FaceModel.load(wrongFile));
        assertTrue(e4.getMessage().contains("wrong.safetensors") && e4.getMessage().contains("conv3.weight"), e4.getMessage());

        // neither layout
        var twoChannel = new LinkedHashMap<>(full);
        twoChannel.put("conv1.weight", Tensor.zeros(2, 2, 7, 7));
        Path twoFile = tmp.resolve("two.safetensors");
        SafeTensors.write(twoFile, twoChannel);
        var e5 = assertThrows(IOException.class, () -> FaceModel.load(twoFile));
        assertTrue(e5.getMessage().contains("two.safetensors") && e5.getMessage().contains("[2, 2, 7, 7]"), e5.getMessage());
        Path none = tmp.resolve("none.safetensors");
        SafeTensors.write(none, Map.of("x", Tensor.zeros(1)));
        var e6 = assertThrows(IOException.class, () -> FaceModel.load(none));
        assertTrue(e6.getMessage().contains("none.safetensors") && e6.getMessage().contains("conv1.weight"), e6.getMessage());
    }

    @Test
    void faceTrainFilesStillLoadAsFaceNet() throws Exception {
        var net = new FaceNet(FaceNet.FER_CLASSES, 0.5f, 0.25f, 0.5f, 16, new Rng(2));
        Path file = tmp.resolve("facenet.safetensors");
        net.save(file);
        assertEquals(FaceModel.Layout.FACENET, FaceModel.layout(file));
        var m = assertInstanceOf(FaceNet.class, FaceModel.loadClassifier(file));
        float[] grey = Tensor.rand(new Rng(3), 2 * 48 * 48).toArray();
        assertArrayEquals(net.predict(Tensor.of(net.normalise(grey), 2, 1, 48, 48)).toArray(), m.probabilities(grey, 2), 1e-6f);
    }
}
