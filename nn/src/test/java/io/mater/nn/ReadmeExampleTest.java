package io.mater.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.Losses;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.io.SafeTensors;
import io.mater.nn.optim.Adam;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's engine example, kept compiling and true. */
class ReadmeExampleTest {
    @TempDir
    Path tmp;

    @Test
    void exampleTrainsAndSaves() throws Exception {
        var rng = new Rng(42);
        var model = new Sequential(new Linear(16, 32, rng), Activation.relu(), new Linear(32, 3, rng));
        var opt = new Adam(model.namedParameters(), 1e-2);
        Tensor x = Tensor.randn(rng, 64, 16);                       // x [64, 16]
        Tensor y = x.narrow(1, 0, 1).gt(0f).reshape(64);            // labels [64] as floats: class 1 where x0 > 0
        float first = 0, last = 0;
        for (int step = 0; step < 200; step++) {
            opt.zeroGrad();
            Tensor loss = Losses.crossEntropy(model.forward(x), y);
            loss.backward();
            opt.step();
            if (step == 0) first = loss.item();
            last = loss.item();
        }
        Path file = tmp.resolve("model.safetensors");
        SafeTensors.write(file, model.stateDict());
        assertTrue(last < 0.1f * first, "loss " + first + " -> " + last);
        assertEquals(model.stateDict().keySet(), SafeTensors.read(file).tensors().keySet());
    }
}
