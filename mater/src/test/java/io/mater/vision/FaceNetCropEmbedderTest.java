package io.mater.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.mater.engine.Autograd;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.face.FaceNet;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vggm:PATH with a face-network file from `face train` embeds crops with that network, normalised as trained. */
class FaceNetCropEmbedderTest {
    @Test
    void faceTrainFilesAreEmbeddedWithFaceNet(@TempDir Path tmp) throws Exception {
        var net = new FaceNet(FaceNet.FER_CLASSES, 0.52f, 0.24f, 0.5f, 16, new Rng(3)); // width / 16 keeps it small
        Path file = tmp.resolve("vggm-fer.safetensors");
        net.save(file);
        var embedder = CropEmbedder.parse("vggm:" + file);
        assertInstanceOf(FaceNetCropEmbedder.class, embedder);
        assertEquals(48, embedder.size());
        assertEquals(512 / 16, embedder.dim());

        int count = 3, px = 48 * 48;
        float[] crops = Tensor.rand(new Rng(4), count * px).toArray(); // grey values on [0, 1]
        float[] got = embedder.embed(crops, count);
        net.eval();
        float[] expected;
        try (var ignored = Autograd.noGrad()) {
            float[] x = new float[crops.length];
            for (int i = 0; i < x.length; i++) x[i] = (crops[i] - 0.52f) / 0.24f;
            expected = net.embed(Tensor.of(x, count, 1, 48, 48)).contiguous().toArray();
        }
        assertArrayEquals(expected, got, 0f);
    }
}
