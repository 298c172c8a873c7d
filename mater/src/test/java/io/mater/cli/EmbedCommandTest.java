package io.mater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.SharedData;
import io.mater.data.EmbeddingStore;
import io.mater.data.Ravdess;
import io.mater.engine.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code embed} on a handful of real RAVDESS clips: the store it writes, its determinism, bad files, and train on it. */
class EmbedCommandTest {
    @TempDir
    Path tmp;

    static CliTest.Result run(String... args) {
        return CliTest.run(args);
    }

    /** The eight 48 kHz originals: five stereo, all with FLLR before and LIST/bext/_PMX after the data chunk. */
    @Test
    void embedsThe48kOriginalsLikeTheirSox16kCopies() throws Exception {
        Path root48 = SharedData.path("ravdess-speech-48k"), root16 = SharedData.path("ravdess-speech-16k");
        Path one = tmp.resolve("t1.safetensors"), two = tmp.resolve("t2.safetensors");
        var r1 = run("embed", "--dataset", "ravdess", "--root", root48.toString(), "--out", one.toString(), "--threads", "1", "--quiet");
        assertEquals(0, r1.code(), r1.err());
        var r2 = run("embed", "--dataset", "ravdess", "--root", root48.toString(), "--out", two.toString(), "--threads", "2", "--quiet");
        assertEquals(0, r2.code(), r2.err());
        assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two), "the store does not depend on the thread count");

        var d = EmbeddingStore.read(one);
        var corpus = Ravdess.scan(root48);
        assertEquals(corpus.clips().size(), d.size());
        assertEquals(8, d.windows());
        assertEquals(512, d.audio().size(2));
        assertEquals(0.5, d.windowSeconds());
        assertTrue(!d.hasVideo());
        assertEquals("band-stats-512", SafeTensors.read(one).metadata().get("audio_embedder"));
        float[] a = d.audio().contiguous().toArray();
        for (int i = 0; i < d.size(); i++) {
            var clip = corpus.clips().get(i);
            assertEquals(clip.id(), d.clipIds().get(i));
            assertEquals(clip.label(), d.labels()[i]);
            assertEquals(Integer.parseInt(clip.subject()), d.subjects()[i]);
            for (int w = 0; w < 8; w++) {
                // all-silence windows (padding after the clip end, or the digital silence some clips start with) embed to 0
                double nrm = norm(a, (i * 8 + w) * 512), start = 0.5 * w;
                if (start >= clip.seconds()) assertEquals(0.0, nrm, clip.id() + " window " + w + " (padding)");
                else assertTrue(nrm == 0 || Math.abs(nrm - 1) < 1e-5, clip.id() + " window " + w + " norm " + nrm);
                if (w >= 2 && start + 0.5 < clip.seconds()) assertEquals(1.0, nrm, 1e-5, clip.id() + " window " + w + " (speech)");
            }
        }

        // the same clips as sox converted them to 16 kHz mono: the embeddings nearly agree (resampling + downmix)
        Path sub = tmp.resolve("sox16k");
        int compared = 0;
        for (var clip : corpus.clips()) {
            Path src = root16.resolve(clip.path().getParent().getFileName()).resolve(clip.path().getFileName());
            if (!Files.exists(src)) continue;
            Path link = sub.resolve(clip.path().getParent().getFileName()).resolve(clip.path().getFileName());
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, src);
            compared++;
        }
        assertTrue(compared >= 4, "at least 4 of the originals have a sox copy");
        Path soxStore = tmp.resolve("sox.safetensors");
        var r3 = run("embed", "--dataset", "ravdess", "--root", sub.toString(), "--out", soxStore.toString(), "--quiet");
        assertEquals(0, r3.code(), r3.err());
        var s = EmbeddingStore.read(soxStore);
        float[] b = s.audio().contiguous().toArray();
        double worst = 1, sum = 0;
        int windows = 0;
        for (int j = 0; j < s.size(); j++) {
            int i = d.clipIds().indexOf(s.clipIds().get(j));
            for (int w = 0; w < 8; w++) {
                if (norm(a, (i * 8 + w) * 512) == 0 && norm(b, (j * 8 + w) * 512) == 0) continue; // padding in both
                double dot = 0;
                for (int k = 0; k < 512; k++) dot += (double) a[(i * 8 + w) * 512 + k] * b[(j * 8 + w) * 512 + k];
                worst = Math.min(worst, dot);
                sum += dot;
                windows++;
            }
        }
        System.out.printf("embed: 48 kHz originals vs sox 16 kHz copies: mean window cosine %.5f, worst %.5f over %d clips%n",
                sum / windows, worst, s.size());
        // near-silent windows differ most (sox's 16-bit quantisation is a large part of their tiny signal)
        assertTrue(sum / windows > 0.98, "mean cosine " + sum / windows);
        assertTrue(worst > 0.9, "worst cosine " + worst);
    }

    private static double norm(float[] v, int off) {
        double s = 0;
        for (int k = 0; k < 512; k++) s += (double) v[off + k] * v[off + k];
        return Math.sqrt(s);
    }

    /** Links the first n speech clips of an actor of the 16 kHz set into root. */
    private static void link(Path root, String actor, int n) throws Exception {
        Path dir = SharedData.path("ravdess-speech-16k/" + actor);
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".wav")).sorted().limit(n).toList();
        }
        Files.createDirectories(root.resolve(actor));
        for (var f : files) Files.createSymbolicLink(root.resolve(actor).resolve(f.getFileName()), f);
    }

    @Test
    void badFilesStopTheRunUnlessSkippedAndTheStoreTrains() throws Exception {
        Path root = tmp.resolve("ravdess");
        link(root, "Actor_01", 6);
        link(root, "Actor_02", 6);
        link(root, "Actor_03", 6);
        // a truncated copy of a real clip under a valid name
        byte[] real = Files.readAllBytes(SharedData.path("ravdess-speech-16k/Actor_03/03-01-05-01-01-01-03.wav"));
        Path bad = root.resolve("Actor_03").resolve("03-01-05-02-02-02-03.wav");
        Files.deleteIfExists(bad);
        Files.write(bad, Arrays.copyOf(real, 3000));
        Path out = tmp.resolve("store.safetensors");

        var stop = run("embed", "--dataset", "ravdess", "--root", root.toString(), "--out", out.toString(), "--quiet");
        assertEquals(1, stop.code());
        assertTrue(stop.err().contains("03-01-05-02-02-02-03.wav"), stop.err());
        assertTrue(stop.err().contains("skip"), "says how to go on: " + stop.err());
        assertFalse(Files.exists(out), "no store after a failed run");

        var go = run("embed", "--dataset", "ravdess", "--root", root.toString(), "--out", out.toString(), "--skip-bad", "--actors", "1-2,3");
        assertEquals(0, go.code(), go.err());
        assertTrue(go.out().contains("skipped") && go.out().contains("03-01-05-02-02-02-03.wav"), go.out());
        assertTrue(go.out().contains("total"), "prints the per-subject/per-class table: " + go.out());
        var d = EmbeddingStore.read(out);
        assertEquals(18, d.size());
        assertArrayEquals(new int[] {1, 2, 3}, d.distinctSubjects());
        assertFalse(d.clipIds().contains("03-01-05-02-02-02-03"));

        var only = run("embed", "--dataset", "ravdess", "--root", root.toString(), "--out", tmp.resolve("two.safetensors").toString(),
                "--skip-bad", "--actors", "2", "--quiet");
        assertEquals(0, only.code(), only.err());
        var two = EmbeddingStore.read(tmp.resolve("two.safetensors"));
        assertArrayEquals(new int[] {2}, two.distinctSubjects());
        assertEquals(6, two.size());

        var train = run(CliTest.with(CliTest.SMALL, "train", "--data", out.toString(), "--modality", "audio", "--folds", "3", "--epochs", "1",
                "--d-model", "512", "--out", tmp.resolve("run").toString()));
        assertEquals(0, train.code(), train.err());
        assertTrue(Files.exists(tmp.resolve("run").resolve("results.json")));
    }

    @Test
    void quarterSecondWindowsDefaultToTwiceAsMany() throws Exception {
        Path root = tmp.resolve("r");
        link(root, "Actor_04", 2);
        Path out = tmp.resolve("q.safetensors");
        var r = run("embed", "--dataset", "ravdess", "--root", root.toString(), "--out", out.toString(), "--window", "0.25", "--quiet");
        assertEquals(0, r.code(), r.err());
        var d = EmbeddingStore.read(out);
        assertEquals(16, d.windows());
        assertEquals(0.25, d.windowSeconds());
    }

    @Test
    void usageErrors() throws Exception {
        Path root = tmp.resolve("r");
        link(root, "Actor_04", 1);
        String out = tmp.resolve("x.safetensors").toString();
        var noData = run("embed", "--root", root.toString(), "--out", out);
        assertEquals(2, noData.code());
        assertTrue(noData.err().contains("--dataset"), noData.err());
        var badSet = run("embed", "--dataset", "iemocap", "--root", root.toString(), "--out", out);
        assertEquals(2, badSet.code());
        assertTrue(badSet.err().contains("ravdess or cremad"), badSet.err());
        var badActors = run("embed", "--dataset", "ravdess", "--root", root.toString(), "--out", out, "--actors", "3-1");
        assertEquals(2, badActors.code());
        assertTrue(badActors.err().contains("--actors"), badActors.err());
        var badEmbedder = run("embed", "--dataset", "ravdess", "--root", root.toString(), "--out", out, "--audio-embedder", "mfcc");
        assertEquals(1, badEmbedder.code());
        assertTrue(badEmbedder.err().contains("bandstats"), badEmbedder.err());
        var noWeights = run("embed", "--dataset", "ravdess", "--root", root.toString(), "--out", out, "--audio-embedder", "vggish:" + tmp.resolve("none.safetensors"));
        assertEquals(1, noWeights.code());
        assertTrue(noWeights.err().contains("none.safetensors") && noWeights.err().contains("--init-vggish"), noWeights.err());
        var badWindow = run("embed", "--dataset", "ravdess", "--root", root.toString(), "--out", out, "--window", "0.123");
        assertEquals(2, badWindow.code());
        var noRoot = run("embed", "--dataset", "ravdess", "--root", tmp.resolve("nothing").toString(), "--out", out);
        assertEquals(1, noRoot.code());
        assertTrue(noRoot.err().contains("nothing"), noRoot.err());
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void parsesSubjectLists() {
        assertEquals(List.of(1, 2, 3, 5, 7, 8), List.copyOf(EmbedCommand.parseSubjects("1-3,5, 7-8")));
        assertEquals(List.of(1001), List.copyOf(EmbedCommand.parseSubjects("1001")));
    }
}
