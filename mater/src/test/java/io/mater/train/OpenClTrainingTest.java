package io.mater.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mater.data.Folds;
import io.mater.engine.Backend;
import io.mater.engine.Backends;
import io.mater.engine.Device;
import io.mater.engine.Losses;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.model.Mater;
import io.mater.model.MaterConfig;
import io.mater.model.Modality;
import io.mater.nn.optim.Adam;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MATER trained on OpenCL (the gpu-kernels backend) against the CPU: one training step (loss, every
 * parameter's gradient, the Adam update) and a few epochs of fold training (the loss curve). Skips without an
 * OpenCL device; fails then when MATER_REQUIRE_OPENCL=1 (CI).
 */
public class OpenClTrainingTest {
    static final Device CL = new Device("opencl", 0);

    @TempDir
    Path tmp;

    public static Backend openCl() {
        try {
            return Backends.of(CL);
        } catch (IllegalStateException e) {
            if ("1".equals(System.getenv("MATER_REQUIRE_OPENCL"))) fail("MATER_REQUIRE_OPENCL=1 but OpenCL is unavailable: " + e.getMessage());
            assumeTrue(false, "OpenCL training tests skipped: " + e.getMessage());
            return null;
        }
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
    void trainingStepMatchesTheCpu() throws Exception {
        Backend be = openCl();
        var cfg = new MaterConfig(32, 4, 2, 64, 5, true, true, Modality.AV, 0.1f);
        Mater cpu = new Mater(cfg, new Rng(5)), dev = new Mater(cfg, new Rng(5));
        dev.to(CL);
        var optCpu = new Adam(cpu.namedParameters(), 1e-3);
        var optDev = new Adam(dev.namedParameters(), 1e-3);
        int b = 6, t = 7;
        for (int i = 0; i < 5; i++) { // let earlier tests' unreachable buffers be released first (Cleaner backstop)
            System.gc();
            Thread.sleep(20);
        }
        long inUseBefore = be.memoryInUse(), afterFirst = -1;
        for (int step = 1; step <= 3; step++) {
            Tensor audio = Tensor.randn(new Rng(10 + step), b, t, 32), video = Tensor.randn(new Rng(20 + step), b, t, 32);
            Tensor labels = Tensor.of(new float[] {0, 1, 2, 3, 4, 2}, b);
            Tensor lossCpu = Losses.crossEntropy(cpu.forward(audio, video).logits(), labels);
            lossCpu.backward();
            try (var scope = be.memoryScope()) {
                Tensor lossDev = Losses.crossEntropy(dev.forward(audio.to(CL), video.to(CL)).logits(), labels.to(CL));
                lossDev.backward();
                assertEquals(lossCpu.item(), lossDev.item(), 1e-4 * Math.abs(lossCpu.item()), "loss at step " + step);
                if (step == 1) {
                    var gc = cpu.namedParameters();
                    for (var e : dev.namedParameters().entrySet()) {
                        Tensor g1 = gc.get(e.getKey()).grad(), g2 = e.getValue().grad();
                        assertNotNull(g2, e.getKey() + " has no gradient on OpenCL");
                        assertEquals(CL, g2.device());
                        float tol = 1e-4f * Math.max(1f, maxAbs(g1));
                        float d = maxAbsDiff(g1, g2);
                        assertTrue(d <= tol, "gradient of " + e.getKey() + " differs by " + d + " (tolerance " + tol + ")");
                    }
                }
                optDev.step();
                optDev.keepState(scope);
                optDev.zeroGrad();
            }
            optCpu.step();
            optCpu.zeroGrad();
            if (step == 1) afterFirst = be.memoryInUse();
            else assertEquals(afterFirst, be.memoryInUse(), "device memory after step " + step + " (a step must free what it allocated)");
        }
        long params = 0;
        for (Tensor p : dev.parameters()) params += 4L * p.numel();
        assertEquals(inUseBefore + 2 * params, afterFirst, "after a step only Adam's two moments are added");
        System.out.printf(Locale.ROOT, "MATER step on %s: %d parameter bytes, peak device memory %d bytes%n", CL, params, be.memoryPeak());
        var pc = cpu.namedParameters();
        for (var e : dev.namedParameters().entrySet()) {
            // three Adam steps of lr 1e-3: parameters agree well within one step size
            float d = maxAbsDiff(pc.get(e.getKey()), e.getValue());
            assertTrue(d <= 2e-4f, "parameter " + e.getKey() + " differs by " + d + " after 3 steps");
        }
    }

    @Test
    void foldTrainingFollowsTheCpuLossCurve() throws Exception {
        openCl();
        // the quick preset's network (1 layer, 8 heads, ff 512, dropout 0.1) on a small store
        var data = TestStores.small(4, 12, 8, 32, 4, 11);
        var cfg = new TrainConfig(new MaterConfig(32, 8, 1, 512, 4, true, true, Modality.AV, 0.1f), 4, 8, 2e-3, 20, 0.1, 0, 2, 3);
        var fold = Folds.subjectDisjoint(data.subjects(), 2).get(0);
        var quiet = new Progress(Progress.Mode.QUIET, new PrintStream(PrintStream.nullOutputStream()));
        var onCpu = FoldTrainer.run(data, fold, cfg, tmp.resolve("cpu"), quiet, false, Device.CPU);
        var onCl = FoldTrainer.run(data, fold, cfg, tmp.resolve("cl"), quiet, false, CL);
        @SuppressWarnings("unchecked") var curveCpu = (List<Map<String, Object>>) onCpu.get("curve");
        @SuppressWarnings("unchecked") var curveCl = (List<Map<String, Object>>) onCl.get("curve");
        assertEquals(4, curveCl.size());
        double first = ((Number) curveCpu.get(0).get("train_loss")).doubleValue(), last = ((Number) curveCpu.get(3).get("train_loss")).doubleValue();
        assertTrue(last < first, "the CPU run learns (loss " + first + " -> " + last + ")");
        for (int e = 0; e < 4; e++) {
            for (String k : new String[] {"train_loss", "test_loss"}) {
                double a = ((Number) curveCpu.get(e).get(k)).doubleValue(), b = ((Number) curveCl.get(e).get(k)).doubleValue();
                System.out.printf(Locale.ROOT, "epoch %d %s: cpu %.6f opencl %.6f (diff %.2e)%n", e + 1, k, a, b, Math.abs(a - b));
                assertEquals(a, b, 1e-4, "epoch " + (e + 1) + " " + k + " on OpenCL vs CPU");
            }
        }
        assertEquals("opencl:0", onCl.get("device"));
        assertTrue(((Number) onCl.get("device_peak_bytes")).longValue() > 0, "the peak device memory is reported");
    }
}
