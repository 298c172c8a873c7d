package io.mater.bench;

import io.mater.engine.Autograd;
import io.mater.engine.Backends;
import io.mater.engine.Device;
import io.mater.engine.Losses;
import io.mater.engine.Parallel;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.model.Mater;
import io.mater.model.MaterConfig;
import io.mater.model.Modality;
import io.mater.nn.optim.Adam;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One MATER training step in the paper's configuration (both branches, d 512, 6 layers, 8 heads, ff 2048,
 * dropout 0.1; batch 64, T 8; the inputs are the 512-d window embeddings, as mater_ref.py's Mater takes them):
 * {@code step} is forward, cross-entropy, backward and one Adam update (train mode); {@code forward} one
 * inference pass (eval mode, no graph). bench/torch_mater.py times the same two things with PyTorch.
 * Both run in a CPU memory scope, as the trainer's steps do, so their arrays are reused ({@code HeapPool}).
 * Run with {@code -prof gc} for the allocation rate per step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmx1500m"})
@State(Scope.Thread)
public class MaterStepBench {
    @Param({"1", "2"})
    public int threads;

    @Param({"64"})
    public int batch;

    @Param({"8"})
    public int windows;

    private Mater model;
    private Adam adam;
    private Tensor audio, video, labels;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        var config = MaterConfig.paper(8, Modality.parse("av"));
        model = new Mater(config, new Rng(1));
        adam = new Adam(model.namedParameters(), 1e-4, 0.9, 0.999, 1e-8, 0.0, false);
        var rnd = new SplittableRandom(7);
        audio = random(rnd, batch, windows, config.d());
        video = random(rnd, batch, windows, config.d());
        float[] lab = new float[batch];
        for (int i = 0; i < batch; i++) lab[i] = i % config.classes();
        labels = Tensor.of(lab, batch);
    }

    private static Tensor random(SplittableRandom rnd, int b, int t, int d) {
        float[] x = new float[b * t * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        return Tensor.of(x, b, t, d);
    }

    /** Forward, loss, backward, Adam: one training step. Returns the loss so it is not optimised away. */
    @Benchmark
    public float step() {
        model.train();
        try (var scope = Backends.of(Device.CPU).memoryScope()) { // as FoldTrainer: the step's arrays are reused
            var out = model.forward(audio, video);
            Tensor loss = Losses.crossEntropy(out.logits(), labels);
            loss.backward();
            adam.step();
            adam.keepState(scope); // Adam's moments outlive the step
            adam.zeroGrad();
            return loss.item();
        }
    }

    /** One inference pass (eval mode, no autograd graph). */
    @Benchmark
    public Tensor forward() {
        model.eval();
        try (var scope = Backends.of(Device.CPU).memoryScope(); var ignored = Autograd.noGrad()) {
            return scope.keep(model.forward(audio, video).logits());
        }
    }
}
