package io.mater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.SharedData;
import io.mater.data.Dataset;
import io.mater.data.EmbeddingStore;
import io.mater.engine.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code embed --video-embedder}: the six CREMA-D FLVs become a store with audio and video [6, 6, 512] and a
 * face mask, and {@code train --modality av} runs on it. The VGG-M weights are random (untrained): this checks
 * the plumbing, not the features.
 */
class EmbedVideoTest {
    @TempDir
    Path tmp;

    @Test
    void cremadFlvsToAnAudioVisualStoreThatTrains() throws Exception {
        Path weights = tmp.resolve("vggm.safetensors");
        var init = CliTest.run("embed", "--init-vggm", weights.toString(), "--seed", "3");
        assertEquals(0, init.code(), init.err());
        assertTrue(init.out().contains("untrained"), init.out());

        Path store = tmp.resolve("cremad.safetensors");
        var r = CliTest.run("embed", "--dataset", "cremad", "--root", SharedData.path("video/cremad").toString(), "--out", store.toString(),
                "--video-embedder", "vggm:" + weights, "--detect-every", "8", "--quiet");
        assertEquals(0, r.code(), r.err());
        Dataset d = EmbeddingStore.read(store);
        assertEquals(6, d.size());
        assertEquals(6, d.windows());
        assertArrayEquals(new int[] {6, 6, 512}, d.audio().shape());
        assertArrayEquals(new int[] {6, 6, 512}, d.video().shape());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, d.labels());
        // every clip is at least 1.87 s long and shows the face throughout: windows 0..3 have a face;
        // windows past the end of the shortest clips (3 s) have none
        float[] mask = d.faceMask().toArray();
        float[] video = d.video().toArray();
        for (int i = 0; i < 6; i++)
            for (int w = 0; w < 6; w++) {
                if (w < 3) assertEquals(1f, mask[i * 6 + w], "clip " + i + " window " + w);
                double ss = 0;
                for (int j = 0; j < 512; j++) ss += Math.pow(video[(i * 6 + w) * 512 + j], 2);
                assertEquals(mask[i * 6 + w], ss, 1e-4, "clip " + i + " window " + w + ": unit length with a face, zero without");
            }
        var meta = SafeTensors.read(store).metadata();
        assertEquals("vggm:vggm.safetensors", meta.get("video_embedder"));
        assertEquals("48", meta.get("video_crop_size"));

        // train needs at least two subjects for its subject-disjoint folds, and these six clips are all of
        // actor 1001: for this plumbing check only, give them two pseudo-subjects
        int[] two = {1, 2, 1, 2, 1, 2};
        Path twoSubjects = tmp.resolve("two.safetensors");
        EmbeddingStore.write(twoSubjects, new Dataset(d.name(), d.classes(), d.windowSeconds(), d.clipIds(), d.audio(), d.video(), d.labels(), two,
                d.faceMask()));
        Path run = tmp.resolve("run");
        var t = CliTest.run("train", "--data", twoSubjects.toString(), "--modality", "av", "--folds", "2", "--epochs", "1", "--layers", "1",
                "--ff", "32", "--heads", "2", "--batch", "4", "--out", run.toString(), "--quiet");
        assertEquals(0, t.code(), t.err());
        assertTrue(Files.exists(run.resolve("results.json")));
        assertTrue(t.out().contains("AV Acc."), t.out());
    }

    @Test
    void badVideoEmbedderSpecsAreNamed() {
        var r = CliTest.run("embed", "--dataset", "cremad", "--root", SharedData.path("video/cremad").toString(), "--out",
                tmp.resolve("x.safetensors").toString(), "--video-embedder", "vggm:" + tmp.resolve("absent.safetensors"), "--quiet");
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("absent.safetensors"), r.err());
        var s = CliTest.run("embed", "--dataset", "cremad", "--root", SharedData.path("video/cremad").toString(), "--out",
                tmp.resolve("x.safetensors").toString(), "--video-embedder", "facenet", "--quiet");
        assertTrue(s.code() != 0);
        assertTrue(s.err().contains("vggm:PATH"), s.err());
    }
}
