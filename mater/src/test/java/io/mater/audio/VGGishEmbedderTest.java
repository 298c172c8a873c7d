package io.mater.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.io.SafeTensors;
import io.mater.model.VGGish;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VGGish as an audio embedder: weights by PyTorch name from a file, the l2-normalised 512-d window embedding. */
class VGGishEmbedderTest {
    @TempDir
    Path tmp;

    static float[] patches(int count, int frames, long seed) {
        var rng = new Rng(seed);
        var p = new float[count * frames * 64];
        for (int i = 0; i < p.length; i++) p[i] = LogMel.SILENCE + 6 * rng.nextFloat();
        return p;
    }

    @Test
    void randomWeightsRoundTripAndEmbeddingIsTheNormalisedWindow512() throws IOException {
        Path f = tmp.resolve("v.safetensors");
        VGGishEmbedder.writeRandom(f, 7);
        var meta = SafeTensors.read(f).metadata();
        assertEquals("false", meta.get("trained"));
        var e = (VGGishEmbedder) AudioEmbedder.parse("vggish:" + f);
        assertFalse(e.trained());
        assertEquals("vggish-512-untrained", e.name());
        assertEquals(512, e.dim());

        int count = 3, frames = 48;
        float[] x = patches(count, frames, 1);
        float[] got = e.embedAll(x, count, frames, 64);
        // the same network built directly with the same seed, and its window512 normalised by hand
        var net = new VGGish(1, new Rng(7), false);
        float[] raw = net.windowEmbedding(Tensor.of(x.clone(), count, 1, frames, 64)).contiguous().toArray();
        for (int i = 0; i < count; i++) {
            double ss = 0;
            for (int k = 0; k < 512; k++) ss += (double) raw[i * 512 + k] * raw[i * 512 + k];
            assertTrue(ss > 0, "random VGGish gives a non-zero window embedding");
            for (int k = 0; k < 512; k++) assertEquals(raw[i * 512 + k] / Math.sqrt(ss), got[i * 512 + k], 1e-6);
        }
        // one by one equals the batch; 24-frame (0.25 s) patches work too
        float[] first = e.embed(java.util.Arrays.copyOf(x, frames * 64), frames, 64);
        assertArrayEquals(java.util.Arrays.copyOf(got, 512), first, 1e-6f);
        assertEquals(512, e.embed(patches(1, 24, 2), 24, 64).length);
    }

    @Test
    void badWeightFilesNameTheFileAndTheProblem() throws IOException {
        Path f = tmp.resolve("v.safetensors");
        VGGishEmbedder.writeRandom(f, 0);
        var state = new LinkedHashMap<>(SafeTensors.read(f).tensors());

        var missing = new LinkedHashMap<>(state);
        missing.remove("features.13.bias");
        Path m = tmp.resolve("missing.safetensors");
        SafeTensors.write(m, missing);
        var ex = assertThrows(IOException.class, () -> VGGishEmbedder.load(m));
        assertTrue(ex.getMessage().contains("missing.safetensors") && ex.getMessage().contains("features.13.bias"), ex.getMessage());

        var wrong = new LinkedHashMap<>(state);
        wrong.put("features.0.weight", Tensor.zeros(64, 1, 5, 5));
        Path w = tmp.resolve("wrong.safetensors");
        SafeTensors.write(w, wrong);
        ex = assertThrows(IOException.class, () -> VGGishEmbedder.load(w));
        assertTrue(ex.getMessage().contains("features.0.weight"), ex.getMessage());

        Path other = tmp.resolve("other.safetensors");
        SafeTensors.write(other, Map.of("weight", Tensor.zeros(3)));
        ex = assertThrows(IOException.class, () -> VGGishEmbedder.load(other));
        assertTrue(ex.getMessage().contains("other.safetensors") && ex.getMessage().contains("features.0.weight"), ex.getMessage());

        var e = VGGishEmbedder.load(f);
        assertThrows(IllegalArgumentException.class, () -> e.embed(new float[48 * 63], 48, 63));
        assertThrows(IllegalArgumentException.class, () -> e.embed(new float[4 * 64], 4, 64));
    }

    @Test
    void parseRejectsUnknownSpecs() {
        assertThrows(IllegalArgumentException.class, () -> AudioEmbedder.parse("mfcc"));
        assertThrows(IllegalArgumentException.class, () -> AudioEmbedder.parse("vggish:"));
    }
}
