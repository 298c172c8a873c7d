package io.mater.gpu.tornado;

import io.mater.engine.Backends;
import io.mater.engine.Device;
import io.mater.engine.Losses;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.model.Mater;
import io.mater.model.MaterConfig;
import io.mater.model.Modality;
import io.mater.nn.optim.Adam;
import java.util.Locale;

/**
 * Wall-clock time of one MATER training step of the quick preset's size (d 512, 8 heads, 1 layer, ff 256,
 * 8 classes, dropout 0.1, batch 40, 8 windows): forward, cross entropy, backward, Adam, in a memory scope,
 * ending with the loss's download. A measuring tool run by hand, not a test:
 *
 * <pre>java @$TORNADOVM_HOME/tornado-argfile --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:... \
 *     io.mater.gpu.tornado.QuickStepTime tornado:0,opencl:0,cpu [steps]</pre>
 */
public final class QuickStepTime {
    private QuickStepTime() {}

    public static void main(String[] args) {
        String[] devices = (args.length > 0 ? args[0] : "tornado:0,cpu").split(",");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        var cfg = new MaterConfig(512, 8, 1, 256, 8, true, true, Modality.AV, 0.1f);
        int b = 40, t = 8;
        for (String spec : devices) {
            var dev = Device.parse(spec);
            var be = Backends.of(dev);
            var model = new Mater(cfg, new Rng(1));
            model.to(dev);
            var opt = new Adam(model.namedParameters(), 1e-3);
            var rng = new Rng(2);
            Tensor audio = Tensor.randn(rng, b, t, 512), video = Tensor.randn(rng, b, t, 512);
            float[] lab = new float[b];
            for (int i = 0; i < b; i++) lab[i] = i % 8;
            Tensor labels = Tensor.of(lab, b);
            double first = 0, total = 0;
            float loss = 0;
            for (int s = 0; s <= steps; s++) {
                long t0 = System.nanoTime();
                try (var scope = be.memoryScope()) {
                    Tensor l = Losses.crossEntropy(model.forward(audio.to(dev), video.to(dev)).logits(), labels.to(dev));
                    l.backward();
                    opt.step();
                    for (Tensor st : opt.stateDict().values()) scope.keep(st);
                    opt.zeroGrad();
                    loss = l.item();
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                if (s == 0) first = ms;
                else total += ms;
            }
            System.out.printf(Locale.ROOT, "%-10s first step %8.1f ms (compiles), then %8.1f ms/step over %d steps, last loss %.4f%n",
                    dev, first, total / steps, steps, loss);
        }
    }
}
