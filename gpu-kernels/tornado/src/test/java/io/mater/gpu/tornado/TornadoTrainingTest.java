package io.mater.gpu.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.data.Dataset;
import io.mater.data.Folds;
import io.mater.engine.Device;
import io.mater.engine.Losses;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.model.Mater;
import io.mater.model.MaterConfig;
import io.mater.model.Modality;
import io.mater.nn.optim.Adam;
import io.mater.train.FoldTrainer;
import io.mater.train.Progress;
import io.mater.train.TrainConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MATER trained on {@code tornado:0} against the CPU: training steps run with no CPU fallback and no host
 * copy beyond the batch's upload, with the CPU's loss, gradients and Adam updates; and a few epochs of fold
 * training follow the CPU's loss curve.
 */
class TornadoTrainingTest {
    static final Device TV = new Device("tornado", 0);
    static TornadoBackend tv;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        tv = TornadoBackend.open(0);
    }

    static float maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toArray(), y = b.toArray();
        assertEquals(x.length, y.length);
        float m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
        return m;
    }

    static float maxAbs(Tensor a) {
        float m = 0;
        for (float v : a.toArray()) m = Math.max(m, Math.abs(v));
        return m;
    }

    @Test
    void trainingStepsRunOnTheDeviceAndMatchTheCpu() {
        var cfg = new MaterConfig(32, 4, 2, 64, 5, true, true, Modality.AV, 0.1f);
        Mater cpu = new Mater(cfg, new Rng(5)), dev = new Mater(cfg, new Rng(5));
        dev.to(TV);
        var optCpu = new Adam(cpu.namedParameters(), 1e-3);
        var optDev = new Adam(dev.namedParameters(), 1e-3);
        int b = 6, t = 7;
        var fallbacksBefore = tv.cpuFallbacks();
        for (int step = 1; step <= 3; step++) {
            Tensor audio = Tensor.randn(new Rng(10 + step), b, t, 32), video = Tensor.randn(new Rng(20 + step), b, t, 32);
            Tensor labels = Tensor.of(new float[] {0, 1, 2, 3, 4, 2}, b);
            Tensor lossCpu = Losses.crossEntropy(cpu.forward(audio, video).logits(), labels);
            lossCpu.backward();
            try (var scope = tv.memoryScope()) {
                Tensor a = audio.to(TV), v = video.to(TV), l = labels.to(TV);
                long hostBefore = tv.hostTransferBytes();
                Tensor lossDev = Losses.crossEntropy(dev.forward(a, v).logits(), l);
                lossDev.backward();
                optDev.step();
                long moved = tv.hostTransferBytes() - hostBefore;
                System.out.printf(Locale.ROOT, "step %d: %d bytes between host and device during forward, backward and Adam%n", step, moved);
                // The only host traffic is outside the backend: Losses.checkLabels downloads the b labels, and each
                // branch uploads its positional-encoding table [t, d]. Activations, gradients, weights and Adam's
                // moments never leave the device.
                assertEquals(4L * b + 2 * 4L * t * 32, moved, "forward, backward and the Adam step copied more than labels and PE tables");
                assertEquals(lossCpu.item(), lossDev.item(), 1e-4 * Math.abs(lossCpu.item()), "loss at step " + step);
                for (Tensor s : optDev.stateDict().values()) scope.keep(s);
                if (step == 1) {
                    var gc = cpu.namedParameters();
                    for (var e : dev.namedParameters().entrySet()) {
                        Tensor g1 = gc.get(e.getKey()).grad(), g2 = e.getValue().grad();
                        assertNotNull(g2, e.getKey() + " has no gradient on tornado");
                        assertEquals(TV, g2.device());
                        float tol = 1e-4f * Math.max(1f, maxAbs(g1));
                        float d = maxAbsDiff(g1, g2);
                        assertTrue(d <= tol, "gradient of " + e.getKey() + " differs by " + d + " (tolerance " + tol + ")");
                    }
                }
                optDev.zeroGrad();
            }
            optCpu.step();
            optCpu.zeroGrad();
        }
        assertEquals(fallbacksBefore, tv.cpuFallbacks(), "ops of the MATER training step ran on the CPU");
        var pc = cpu.namedParameters();
        for (var e : dev.namedParameters().entrySet()) {
            // within one Adam step (lr 1e-3): the key projection's bias has a gradient that is zero in exact
            // arithmetic, and Adam turns its rounding noise (different summation order) into steps of up to lr
            float d = maxAbsDiff(pc.get(e.getKey()), e.getValue());
            assertTrue(d <= 1e-3f, "parameter " + e.getKey() + " differs by " + d + " after 3 steps");
        }
        System.out.println("kernel calls: " + tv.kernelCalls());
    }

    /** A small store: one prototype per class (audio) and the next class's (video), plus noise. */
    static Dataset small(int subjects, int clipsPerSubject, int windows, int dim, int classes, long seed) {
        Rng rng = new Rng(seed);
        int n = subjects * clipsPerSubject;
        float[][] proto = new float[classes][dim];
        for (float[] p : proto) for (int i = 0; i < dim; i++) p[i] = rng.nextGaussian();
        float[] audio = new float[n * windows * dim], video = new float[n * windows * dim];
        int[] labels = new int[n], subj = new int[n];
        List<String> ids = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            labels[c] = c % classes;
            subj[c] = c / clipsPerSubject + 1;
            ids.add("clip-" + c);
            for (int w = 0; w < windows; w++)
                for (int i = 0; i < dim; i++) {
                    int at = (c * windows + w) * dim + i;
                    audio[at] = 0.5f * proto[labels[c]][i] + rng.nextGaussian();
                    video[at] = 0.5f * proto[(labels[c] + 1) % classes][i] + rng.nextGaussian();
                }
        }
        var classNames = new ArrayList<String>();
        for (int k = 0; k < classes; k++) classNames.add("class" + k);
        return new Dataset("small", classNames, 0.5, ids, Tensor.of(audio, n, windows, dim), Tensor.of(video, n, windows, dim), labels, subj, null);
    }

    @Test
    void foldTrainingFollowsTheCpuLossCurve() throws Exception {
        // the quick preset's network shape (1 layer, 8 heads, dropout 0.1) on a small store
        var data = small(4, 12, 8, 32, 4, 11);
        int epochs = 3;
        var cfg = new TrainConfig(new MaterConfig(32, 8, 1, 256, 4, true, true, Modality.AV, 0.1f), epochs, 8, 2e-3, 20, 0.1, 0, 2, 3);
        var fold = Folds.subjectDisjoint(data.subjects(), 2).get(0);
        var quiet = new Progress(Progress.Mode.QUIET, new PrintStream(PrintStream.nullOutputStream()));
        var fallbacksBefore = tv.cpuFallbacks();
        var onCpu = FoldTrainer.run(data, fold, cfg, tmp.resolve("cpu"), quiet, false, Device.CPU);
        var onTv = FoldTrainer.run(data, fold, cfg, tmp.resolve("tornado"), quiet, false, TV);
        assertEquals(fallbacksBefore, tv.cpuFallbacks(), "ops of fold training ran on the CPU");
        @SuppressWarnings("unchecked") var curveCpu = (List<Map<String, Object>>) onCpu.get("curve");
        @SuppressWarnings("unchecked") var curveTv = (List<Map<String, Object>>) onTv.get("curve");
        assertEquals(epochs, curveTv.size());
        double first = ((Number) curveCpu.get(0).get("train_loss")).doubleValue(), last = ((Number) curveCpu.get(epochs - 1).get("train_loss")).doubleValue();
        assertTrue(last < first, "the CPU run learns (loss " + first + " -> " + last + ")");
        for (int e = 0; e < epochs; e++) {
            for (String k : new String[] {"train_loss", "test_loss"}) {
                double a = ((Number) curveCpu.get(e).get(k)).doubleValue(), b = ((Number) curveTv.get(e).get(k)).doubleValue();
                System.out.printf(Locale.ROOT, "epoch %d %s: cpu %.6f tornado %.6f (diff %.2e)%n", e + 1, k, a, b, Math.abs(a - b));
                assertEquals(a, b, 1e-4, "epoch " + (e + 1) + " " + k + " on tornado vs CPU");
            }
        }
        assertEquals("tornado:0", onTv.get("device"));
    }
}
