package io.mater.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.Losses;
import io.mater.engine.Tensor;
import io.mater.nn.optim.Adam;
import java.util.LinkedHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MATER against PyTorch (mater_ref.py) for the same weights: forward logits of both branches and the fused
 * prediction, the loss, every parameter's gradient, and every parameter after 3 Adam steps.
 */
class MaterParityTest {
    @ParameterizedTest
    @ValueSource(strings = {"mater-av", "mater-av-8heads", "mater-no-pe", "mater-no-mhsa", "mater-audio", "mater-video", "mater-odd"})
    void matchesPyTorch(String name) throws Exception {
        var f = Fixtures.load(name);
        var meta = new LinkedHashMap<>(f.model().metadata());
        meta.put("dropout", "0");
        var config = MaterConfig.fromMetadata(meta, name);
        var model = new Mater(config, 0L);
        model.loadStateDict(f.model().tensors(), true);
        Tensor audio = f.inputs().get("audio"), video = f.inputs().get("video"), labels = f.inputs().get("labels");

        var out = model.forward(audio, video);
        var report = new StringBuilder(name + ":");
        check(report, "logits", out.logits(), f.expected().get("logits"), 1e-4);
        if (config.modality().hasAudio()) check(report, "audio_logits", out.audioLogits(), f.expected().get("audio_logits"), 1e-4);
        if (config.modality().hasVideo()) check(report, "video_logits", out.videoLogits(), f.expected().get("video_logits"), 1e-4);
        Tensor loss = Losses.crossEntropy(out.logits(), labels);
        assertEquals(f.expected().get("loss").item(), loss.item(), 1e-5, name + " loss");

        loss.backward();
        double worstGrad = 0;
        for (var e : model.namedParameters().entrySet()) {
            Tensor expected = f.expected().get("grad." + e.getKey());
            assertTrue(expected != null, name + ": fixture lacks grad." + e.getKey());
            double err = Fixtures.relativeError(e.getValue().grad(), expected, 1e-6);
            worstGrad = Math.max(worstGrad, err);
            assertTrue(err <= 1e-3, name + ": grad." + e.getKey() + " relative error " + err);
        }
        report.append(String.format(" grads %.2e", worstGrad));

        // 3 Adam steps from the same start (the first step's gradients are the ones above)
        model.loadStateDict(f.model().tensors(), true);
        model.zeroGrad();
        var adam = new Adam(model.namedParameters(), Double.parseDouble(String.valueOf(f.config().get("lr"))));
        for (int step = 0; step < f.integer("adam_steps"); step++) {
            adam.zeroGrad();
            Losses.crossEntropy(model.forward(audio, video).logits(), labels).backward();
            adam.step();
        }
        double worstAdam = 0;
        double lr = Double.parseDouble(String.valueOf(f.config().get("lr")));
        int steps = f.integer("adam_steps");
        for (var e : model.namedParameters().entrySet()) {
            Tensor ours = e.getValue().detach(), theirs = f.expected().get("adam." + e.getKey());
            if (e.getKey().endsWith("self_attn.in_proj_bias")) {
                // The key bias does not change any output (softmax is shift-invariant along a row), so its
                // gradient is rounding noise (~1e-10 in both engines) and Adam's normalised step of that noise
                // cannot be reproduced. Check q and v rows exactly, and only Adam's step bound for the k rows.
                int d = config.d();
                Tensor init = f.model().tensors().get(e.getKey());
                for (int part : new int[] {0, 2}) {
                    double err = Fixtures.absoluteError(ours.narrow(0, part * d, d), theirs.narrow(0, part * d, d));
                    worstAdam = Math.max(worstAdam, err);
                    assertTrue(err <= 1e-5, name + ": adam." + e.getKey() + " rows " + part * d + ".." + (part + 1) * d + " absolute error " + err);
                }
                for (Tensor t : new Tensor[] {ours, theirs})
                    assertTrue(Fixtures.absoluteError(t.narrow(0, d, d), init.narrow(0, d, d)) <= steps * lr * 1.01, name + ": key-bias step beyond Adam's bound");
                continue;
            }
            double err = Fixtures.absoluteError(ours, theirs);
            worstAdam = Math.max(worstAdam, err);
            assertTrue(err <= 1e-5, name + ": adam." + e.getKey() + " absolute error " + err);
        }
        report.append(String.format(" adam %.2e", worstAdam));
        System.out.println(report);
    }

    private static void check(StringBuilder report, String what, Tensor actual, Tensor expected, double tol) {
        double err = Fixtures.relativeError(actual, expected, 1e-6);
        report.append(String.format(" %s %.2e", what, err));
        assertTrue(err <= tol, what + " relative error " + err);
    }

}
