package io.mater.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.Tensor;
import io.mater.engine.io.SafeTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's video tensor and face mask: round trip, audio-only stores unchanged, bad shapes named. */
class EmbeddingStoreVideoTest {
    @TempDir
    Path tmp;

    static Tensor ramp(float scale, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        var f = new float[n];
        for (int i = 0; i < n; i++) f[i] = scale * i;
        return Tensor.of(f, shape);
    }

    @Test
    void audioVisualStoreWithMaskRoundTrips() throws Exception {
        var mask = Tensor.of(new float[] {1, 1, 0, 1, 0, 0}, 2, 3);
        var d = new Dataset("cremad", List.of("a", "b"), 0.5, List.of("x", "y"), ramp(0.1f, 2, 3, 4), ramp(-0.2f, 2, 3, 5),
                new int[] {0, 1}, new int[] {1001, 1002}, mask);
        Path f = tmp.resolve("av.safetensors");
        EmbeddingStore.write(f, d);
        var r = EmbeddingStore.read(f);
        assertArrayEquals(d.audio().toArray(), r.audio().toArray());
        assertArrayEquals(d.video().toArray(), r.video().toArray());
        assertArrayEquals(new int[] {2, 3, 5}, r.video().shape());
        assertArrayEquals(mask.toArray(), r.faceMask().toArray());
        assertArrayEquals(new int[] {1001, 1002}, r.subjects());
        assertEquals(3, r.windows());
        assertArrayEquals(mask.narrow(1, 0, 2).contiguous().toArray(), r.firstWindows(2).faceMask().toArray());
        assertArrayEquals(new float[] {1, 0, 0}, r.subset(new int[] {1}).faceMask().toArray());
    }

    @Test
    void audioOnlyStoresHaveNoVideoAndNoMask() throws Exception {
        var d = new Dataset("ravdess", List.of("a", "b"), 0.5, List.of("x"), ramp(1, 1, 2, 3), null, new int[] {1}, new int[] {3}, null);
        Path f = tmp.resolve("a.safetensors");
        EmbeddingStore.write(f, d);
        var names = SafeTensors.read(f).tensors().keySet();
        assertEquals(List.of("audio", "labels", "subjects"), List.copyOf(names));
        var r = EmbeddingStore.read(f);
        assertNull(r.video());
        assertNull(r.faceMask());
    }

    @Test
    void badVideoShapesAreNamed() throws Exception {
        var e = assertThrows(IllegalArgumentException.class, () -> new Dataset("s", List.of("a"), 0.5, List.of("x"), ramp(1, 1, 2, 3),
                ramp(1, 1, 3, 3), new int[] {0}, new int[] {1}, null));
        assertTrue(e.getMessage().contains("audio has 2 windows per clip but video has 3"), e.getMessage());
        var m = assertThrows(IllegalArgumentException.class, () -> new Dataset("s", List.of("a"), 0.5, List.of("x"), null,
                ramp(1, 1, 2, 3), new int[] {0}, new int[] {1}, ramp(1, 1, 3)));
        assertTrue(m.getMessage().contains("face mask must be [N, T]"), m.getMessage());
        // a file whose mask does not fit its video is refused with the file's name
        var t = new LinkedHashMap<String, Tensor>();
        t.put("video", ramp(1, 1, 2, 3));
        t.put("labels", Tensor.of(new float[] {0}, 1));
        t.put("subjects", Tensor.of(new float[] {1}, 1));
        t.put("face_mask", ramp(1, 2, 2));
        var meta = new LinkedHashMap<String, String>();
        meta.put("dataset", "s");
        meta.put("classes", "[\"a\"]");
        meta.put("window_seconds", "0.5");
        meta.put("clip_ids", "[\"x\"]");
        Path f = tmp.resolve("bad.safetensors");
        SafeTensors.write(f, t, meta);
        var io = assertThrows(java.io.IOException.class, () -> EmbeddingStore.read(f));
        assertTrue(io.getMessage().contains("bad.safetensors") && io.getMessage().contains("face mask"), io.getMessage());
    }
}
