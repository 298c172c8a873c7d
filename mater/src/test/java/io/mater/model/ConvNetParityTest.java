package io.mater.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.Autograd;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * VGGish and VGG-M against PyTorch for the same weights. The --scale 8 fixtures hold the convolutional part
 * only (their fully connected weights are left out of the files to keep them small), so they check the
 * window and face embeddings; the --scale 32 ones check the full networks (128-d embedding, 224-px logits).
 */
class ConvNetParityTest {
    @ParameterizedTest
    @ValueSource(strings = {"vggish-s8-24", "vggish-s8-48", "vggish-s8-96", "vggish-s32-96"})
    void vggish(String name) throws Exception {
        var f = Fixtures.load(name);
        var model = new VGGish(f.integer("scale"), new Rng(0));
        var result = model.loadStateDict(f.model().tensors(), false);
        assertTrue(result.unexpected().isEmpty() && result.wrongShape().isEmpty(), name + ": " + result);
        boolean stripped = f.model().metadata().containsKey("stripped");
        assertTrue(stripped ? result.missing().stream().allMatch(k -> k.startsWith("embeddings.")) : result.missing().isEmpty(), name + ": " + result);
        model.eval();
        VGGish.Output out;
        try (var ignored = Autograd.noGrad()) {
            out = model.forward(f.inputs().get("input"));
        }
        double err = Fixtures.relativeError(out.window512(), f.expected().get("window512"), 1e-6);
        String report = String.format("%s: window512 %.2e", name, err);
        assertTrue(err <= 1e-4, report);
        if (!stripped && f.expected().containsKey("embedding")) {
            double e2 = Fixtures.relativeError(out.embedding(), f.expected().get("embedding"), 1e-6);
            report += String.format(" embedding %.2e", e2);
            assertTrue(e2 <= 1e-4, report);
        }
        System.out.println(report);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vggm-bn-s8-96", "vggm-lrn-s8-96", "vggm-bn-s32-224", "vggm-lrn-s32-224"})
    void vggm(String name) throws Exception {
        var f = Fixtures.load(name);
        boolean lrn = Boolean.parseBoolean(String.valueOf(f.config().get("lrn")));
        var model = new VGGM(7, lrn, f.integer("scale"), new Rng(0));
        var result = model.loadStateDict(f.model().tensors(), false);
        boolean stripped = f.model().metadata().containsKey("stripped");
        var head = List.of("fc6.", "fc7.", "fc8.", "bn54.", "bn55.");
        assertTrue(result.unexpected().isEmpty() && result.wrongShape().isEmpty(), name + ": " + result);
        assertTrue(stripped ? result.missing().stream().allMatch(k -> head.stream().anyMatch(k::startsWith)) : result.missing().isEmpty(), name + ": " + result);
        model.eval();
        VGGM.Output out;
        try (var ignored = Autograd.noGrad()) {
            out = model.forward(f.inputs().get("input"));
        }
        double err = Fixtures.relativeError(out.face512(), f.expected().get("face512"), 1e-6);
        String report = String.format("%s: face512 %.2e", name, err);
        assertTrue(err <= 1e-4, report);
        Tensor logits = f.expected().get("logits");
        if (logits != null) {
            assertTrue(out.logits() != null, name + ": expected logits at this input size");
            double e2 = Fixtures.relativeError(out.logits(), logits, 1e-6);
            report += String.format(" logits %.2e", e2);
            assertTrue(e2 <= 1e-4, report);
        } else {
            assertEquals(null, out.logits(), name + ": no logits below 224 px");
        }
        System.out.println(report);
    }
}
