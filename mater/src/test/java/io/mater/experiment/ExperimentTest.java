package io.mater.experiment;

import static org.junit.jupiter.api.Assertions.*;

import io.mater.data.Dataset;
import io.mater.data.EmbeddingStore;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.model.MaterConfig;
import io.mater.model.Modality;
import io.mater.train.Metrics;
import io.mater.train.Progress;
import io.mater.train.TestStores;
import io.mater.train.TrainConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiments on a tiny store (4 subjects x 6 clips, T = 4, d 8, 3 classes, 2 folds, 2 epochs). */
class ExperimentTest {
    @TempDir
    static Path tmp;
    static Path store;
    static final Progress QUIET = new Progress(Progress.Mode.QUIET, new PrintStream(PrintStream.nullOutputStream()));

    @BeforeAll
    static void writeStore() throws Exception {
        store = tmp.resolve("tiny.safetensors");
        EmbeddingStore.write(store, TestStores.small(4, 6, 4, 8, 3, 7));
    }

    static TrainConfig config() {
        var m = new MaterConfig(8, 2, 1, 16, 3, true, true, Modality.AV, 0.1f);
        return new TrainConfig(m, 2, 8, 1e-2, 20, 0.1, 0, 2, 3);
    }

    static Study study(Path out, List<Path> reuse) {
        return new Study(new Study.Source(null, List.of(store), 0), config(), out, 2, reuse, null, QUIET);
    }

    // ---- hand-checked computations

    @Test
    void noiseReplacesExactlyNWindowsPerClipAndNothingElse() {
        int clips = 5, t = 6, d = 64;
        float[] v = new float[clips * t * d];
        for (int i = 0; i < v.length; i++) v[i] = 1000 + i; // far from the noise
        Tensor x = Tensor.of(v, clips, t, d);
        Tensor y = Noise.replace(x, 2, new Noise.Stats(3, 0.5), new Rng(11));
        float[] o = y.toArray();
        double sum = 0, sq = 0;
        int replaced = 0;
        for (int c = 0; c < clips; c++) {
            int changed = 0;
            for (int w = 0; w < t; w++) {
                int at = (c * t + w) * d;
                boolean same = true, all = true;
                for (int j = 0; j < d; j++) {
                    if (o[at + j] != v[at + j]) same = false;
                    else all = false;
                }
                assertTrue(same || all, "a window is either untouched or fully replaced");
                if (!same) {
                    changed++;
                    for (int j = 0; j < d; j++) {
                        sum += o[at + j];
                        sq += o[at + j] * o[at + j];
                        replaced++;
                    }
                }
            }
            assertEquals(2, changed, "clip " + c);
        }
        double mean = sum / replaced, std = Math.sqrt(sq / replaced - mean * mean);
        assertEquals(3, mean, 0.1);
        assertEquals(0.5, std, 0.05);
        assertArrayEquals(o, Noise.replace(x, 2, new Noise.Stats(3, 0.5), new Rng(11)).toArray(), "same seed, same noise");
        assertFalse(java.util.Arrays.equals(o, Noise.replace(x, 2, new Noise.Stats(3, 0.5), new Rng(12)).toArray()));
        assertSame(x, Noise.replace(x, 0, Noise.Stats.UNIT, new Rng(1)));
        assertEquals(1000f, x.toArray()[0], "the input is not modified");
        var e = assertThrows(IllegalArgumentException.class, () -> Noise.replace(x, 7, Noise.Stats.UNIT, new Rng(1)));
        assertTrue(e.getMessage().contains("7 of 6"));
    }

    @Test
    void noiseStatsAreMeanAndPopulationStd() {
        var s = Noise.Stats.of(Tensor.of(new float[] {1, 2, 3, 6}, 1, 2, 2));
        assertEquals(3, s.mean(), 1e-12);
        assertEquals(Math.sqrt((4 + 1 + 0 + 9) / 4.0), s.std(), 1e-12);
    }

    @Test
    void positionsAreDistinct() {
        var rng = new Rng(5);
        for (int rep = 0; rep < 50; rep++) {
            int[] p = Noise.positions(8, 8, rng);
            assertEquals(8, java.util.Arrays.stream(p).distinct().count());
        }
    }

    @Test
    void responseTimeByHand() {
        // 4 windows, 5 clips with labels 0,1,2,0,1; rows: t = 1..4
        int[][] pred = {
                {0, 2, 2, 1, 0},
                {1, 1, 2, 0, 0},
                {0, 1, 0, 0, 0},
                {0, 1, 2, 0, 0}};
        int[] labels = {0, 1, 2, 0, 1};
        int[] first = Analyses.firstCorrect(pred, labels);
        assertArrayEquals(new int[] {1, 2, 1, 2, 0}, first); // clip 4 is wrong at t = T, so it has none
        assertArrayEquals(new double[] {0.5, 0.5, 0, 0}, Analyses.histogram(first, 4), 1e-12);
        assertEquals((1 + 2 + 1 + 2) * 0.5 / 4, Analyses.meanResponseSeconds(first, 0.5), 1e-12);
        assertTrue(Double.isNaN(Analyses.meanResponseSeconds(new int[] {0, 0}, 0.5)));
    }

    @Test
    void embeddingEntropyByHand() {
        // softmax(0, ln 3) = (1/4, 3/4): H = -(1/4 ln 1/4 + 3/4 ln 3/4)
        double h = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
        assertEquals(h, Metrics.embeddingEntropy(Tensor.of(new float[] {0, (float) Math.log(3)}, 1, 1, 2)), 1e-6);
        assertEquals(Math.log(16), Metrics.embeddingEntropy(Tensor.zeros(2, 3, 16)), 1e-9);
    }

    @Test
    void foldAccuracies() {
        assertArrayEquals(new double[] {0.5, 1.0}, Analyses.foldAccuracies(new int[] {1, 0, 2}, new int[] {1, 1, 2}, new int[] {2, 1}), 1e-12);
    }

    // ---- the commands on the tiny store

    @Test
    void analysesOnTinyStore() throws Exception {
        Path out = tmp.resolve("study");
        var s = study(out, List.of());
        var table = Analyses.table1(s);
        @SuppressWarnings("unchecked")
        var rows = (List<Object>) table.get("rows");
        assertEquals(4, rows.size(), "MHSA x T (one store: T = 4) x PE");
        assertTrue(Files.exists(out.resolve("report/table1.md")) && Files.exists(out.resolve("report/table1.png")) && Files.exists(out.resolve("report/table1.svg")));
        String t1 = Files.readString(out.resolve("report/table1.md"));
        assertTrue(t1.contains("| yes | 4 | yes |"));
        assertFalse(t1.contains("paper"), "3 classes: neither RAVDESS- nor CREMA-D-shaped, no paper column");
        assertTrue(t1.contains(Analyses.READING + " best AV accuracy "), t1);
        String t1csv = Files.readString(out.resolve("report/table1.csv"));
        assertEquals(1 + 4 * 6, t1csv.lines().count(), "4 rows x 6 metrics");

        long before = Files.getLastModifiedTime(out.resolve("train/mhsa-T4-pe/fold-1/model.safetensors")).toMillis();
        assertTrue(s.pending(Analyses.tableRows(s)).isEmpty(), "everything trained");

        var le = Analyses.layerEntropy(s);
        double[][] a = le.get("attention/a");
        assertEquals(2, a[0].length, "layer 0 (input) and layer 1");
        for (double v : a[0]) assertTrue(v > 0 && v <= Math.log(8) + 1e-9, "entropy of a softmax over 8 dimensions in (0, ln 8]");
        assertTrue(Files.exists(out.resolve("report/layer-entropy.csv")));

        var noise = Analyses.noise(s, 2, 9);
        double[][][][] acc = noise.get("attention");
        assertEquals(3, acc.length);
        assertEquals(5, acc[0].length, "n = 0..T");
        for (var target : acc) for (var n : target) for (var rep : n) for (double v : rep) assertTrue(v >= 0 && v <= 1);
        // noise in audio leaves the video branch alone
        for (int n = 0; n <= 4; n++) assertEquals(acc[0][0][0][1], acc[0][n][1][1], 0);
        // clean accuracy equals the incremental accuracy at t = T (same models, same clips)
        var inc = Analyses.incremental(s);
        double pooled = acc[0][0][0][2];
        double[][][] st = inc.get("attention");
        assertEquals(4, st[2].length);
        assertEquals(pooled, st[2][3][0], 1e-12, "equal folds: the fold mean equals the pooled accuracy of the same predictions");
        // one panel per noisy modality, attention and baseline overlaid, its CSV beside it
        assertTrue(Files.exists(out.resolve("report/noise-audio.png")) && Files.exists(out.resolve("report/noise-audio.svg")) && Files.exists(out.resolve("report/noise-both.csv")));
        String noiseCsv = Files.readString(out.resolve("report/noise-video.csv"));
        assertTrue(noiseCsv.contains("\nattention,video,") && noiseCsv.contains("\nbaseline,video,"), "both models in the panel's CSV");
        assertTrue(Files.readString(out.resolve("report/noise.md")).contains(Analyses.READING + " noise in audio, all 4 windows: attention AV "));

        var rt = Analyses.responseTime(s);
        for (double m : rt.get("attention")) assertTrue(Double.isNaN(m) || (m >= 0.5 - 1e-9 && m <= 4 * 0.5 + 1e-9), "response in [1, T] windows of 0.5 s");

        var att = Analyses.attention(s, null);
        double[][][][] w = att.get("audio");
        assertEquals(1, w.length);
        assertEquals(2, w[0].length, "heads");
        for (double[] row : w[0][0]) assertEquals(1.0, java.util.Arrays.stream(row).sum(), 1e-4, "each query's weights sum to 1");
        assertTrue(Files.exists(out.resolve("report/attention-video-L1-h2.svg")));
        String index = Files.readString(out.resolve("report/index.md"));
        assertTrue(index.indexOf("## Table 1") < index.indexOf("## Fig. 4"));
        // the summary at the top: one reading line per section, in the paper's order, before the sections
        int at = index.indexOf("## Reading, one line per section");
        assertTrue(at > 0 && at < index.indexOf("## Table 1"), index);
        int last = at;
        for (String name : Analyses.ORDER) {
            if (name.equals("noise-retrain")) continue; // not run here
            int i = index.indexOf("- [" + name + "](#");
            assertTrue(i > last, name + " has its reading line in order");
            last = i;
        }
        assertTrue(index.contains("- [table1](#table-1-accuracy-and-prediction-entropy-over-the-grid): best AV accuracy "), index);
        assertEquals(before, Files.getLastModifiedTime(out.resolve("train/mhsa-T4-pe/fold-1/model.safetensors")).toMillis(), "analyses reuse models");

        // determinism: the same seed gives the same noise curves
        var again = Analyses.noise(s, 2, 9).get("attention");
        assertTrue(java.util.Arrays.deepEquals(acc, again));
    }

    @Test
    void noisyRetrainingTrainsSixRowsAndIsDeterministic() throws Exception {
        var s1 = study(tmp.resolve("nr1"), List.of());
        var r1 = Analyses.noiseRetrain(s1, 2, 1);
        assertEquals(6, r1.size());
        assertEquals(12, java.nio.file.Files.walk(tmp.resolve("nr1/train")).filter(p -> p.getFileName().toString().equals("model.safetensors")).count());
        var s2 = study(tmp.resolve("nr2"), List.of());
        var r2 = Analyses.noiseRetrain(s2, 2, 1);
        for (var k : r1.keySet()) assertTrue(java.util.Arrays.deepEquals(r1.get(k), r2.get(k)), k);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("nr1/train/noisy-audio-mhsa-T4-pe/fold-1/model.safetensors")),
                Files.readAllBytes(tmp.resolve("nr2/train/noisy-audio-mhsa-T4-pe/fold-1/model.safetensors")), "bit-identical models");
    }

    // ---- reuse and bad input

    @Test
    void reusesRunFoldersAndRejectsMismatches() throws Exception {
        var first = study(tmp.resolve("first"), List.of());
        var row = Analyses.pair(first).get(0);
        first.train(List.of(row));
        Path runDir = first.rowDir(row);
        var second = study(tmp.resolve("second"), List.of(runDir));
        assertTrue(second.pending(List.of(row)).isEmpty(), "fold models of the --run folder are reused");
        assertEquals(List.of("--run " + runDir + ": reusing 2 trained fold models (row mhsa-T4-pe) instead of retraining them", "2 of 2 (row, fold) jobs reused, 0 to train"),
                second.reuseSummary(List.of(row)));
        assertEquals(List.of("reusing 2 trained fold models already under " + tmp.resolve("first/train") + " (resumed, not retrained)", "2 of 4 (row, fold) jobs reused, 2 to train"),
                first.reuseSummary(Analyses.pair(first)));
        assertEquals(List.of(), study(tmp.resolve("none"), List.of()).reuseSummary(List.of(row)));
        assertNotNull(second.model(row, 1));

        var otherCfg = new Study(new Study.Source(null, List.of(store), 0), config().withEpochs(3), tmp.resolve("third"), 1, List.of(runDir), null, QUIET);
        var e = assertThrows(IllegalArgumentException.class, () -> otherCfg.train(List.of(row)));
        assertTrue(e.getMessage().contains("--run") && e.getMessage().contains("matches none"), e.getMessage());

        var e2 = assertThrows(IllegalArgumentException.class, () -> first.data(8));
        assertTrue(e2.getMessage().contains("T = 8") && e2.getMessage().contains("4"), e2.getMessage());

        var fresh = study(tmp.resolve("fresh"), List.of());
        var e3 = assertThrows(IllegalStateException.class, () -> fresh.model(row, 1));
        assertTrue(e3.getMessage().contains("fold 2"), e3.getMessage());
    }

    @Test
    void modalityTheDataLacks() throws Exception {
        Dataset full = TestStores.small(4, 6, 4, 8, 3, 7);
        Path audioOnly = tmp.resolve("audio-only.safetensors");
        EmbeddingStore.write(audioOnly, new Dataset("small", full.classes(), 0.5, full.clipIds(), full.audio(), null, full.labels(), full.subjects(), null));
        var s = new Study(new Study.Source(null, List.of(audioOnly), 0), config(), tmp.resolve("ao"), 1, List.of(), null, QUIET);
        var e = assertThrows(IllegalArgumentException.class, () -> s.config(new Study.Row(true, 4, true)));
        assertTrue(e.getMessage().contains("video"), e.getMessage());

        // an audio-only study gives the audio-only panels
        var cfg = config();
        var audioCfg = cfg.withModel(cfg.model().withModality(Modality.AUDIO));
        var ao = new Study(new Study.Source(null, List.of(audioOnly), 0), audioCfg, tmp.resolve("ao2"), 1, List.of(), null, QUIET);
        var noise = Analyses.noise(ao, 2, 1).get("attention");
        assertEquals(0, noise[1][4][0][2], 0, "no video panel");
        assertTrue(noise[0][0][0][2] > 0, "AV = A for an audio-only model");
        assertEquals(noise[0][0][0][0], noise[0][0][0][2], 0);
        assertTrue(Files.exists(tmp.resolve("ao2/report/noise-audio.png")));
        assertFalse(Files.exists(tmp.resolve("ao2/report/noise-video.png")));
        assertEquals(3, Analyses.noisyRows(ao).size() + 1, "audio noise x (attention, baseline)");
    }

    @Test
    void slurmArrayScript() throws Exception {
        Path dir = tmp.resolve("slurm");
        int n = Slurm.emit(dir, List.of("echo a", "echo b", "echo c", "echo d"), "noise", 1, "2G", "01:00:00");
        assertEquals(4, n);
        String script = Files.readString(dir.resolve("array.sbatch"));
        assertTrue(script.contains("#SBATCH --array=0-3"));
        assertTrue(script.contains("#SBATCH --cpus-per-task=1"));
        assertEquals(4, Files.readAllLines(dir.resolve("jobs.txt")).size());
        assertEquals("'a b'", Slurm.quote("a b"));
        assertEquals("/x/y.jar", Slurm.quote("/x/y.jar"));
    }
}
