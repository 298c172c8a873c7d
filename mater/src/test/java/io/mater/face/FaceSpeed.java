package io.mater.face;

import io.mater.engine.Autograd;
import io.mater.engine.Losses;
import io.mater.engine.Parallel;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.nn.optim.Adam;
import java.util.Locale;

/**
 * Training speed of the face network, the Java twin of src/test/python/face_speed.py (same network, batch,
 * threads, steps; random inputs; AdamW). Not a test: run it with
 * {@code java --add-modules jdk.incubator.vector -cp CLASSPATH io.mater.face.FaceSpeed [batch threads steps warmup]}.
 */
public final class FaceSpeed {
    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 64, threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 10, warmup = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Parallel.setThreads(threads);
        var rng = new Rng(0);
        var net = new FaceNet(rng);
        var opt = Adam.adamW(net.namedParameters(), 1e-3, 0.05);
        float[] xs = new float[batch * 48 * 48], ys = new float[batch];
        for (int i = 0; i < xs.length; i++) xs[i] = rng.nextGaussian();
        for (int i = 0; i < batch; i++) ys[i] = rng.nextInt(7);
        var x = Tensor.of(xs, batch, 1, 48, 48);
        var y = Tensor.of(ys, batch);
        net.train();
        long t0 = 0;
        for (int i = 0; i < warmup + steps; i++) {
            if (i == warmup) t0 = System.nanoTime();
            var loss = Losses.crossEntropy(net.logits(x), y);
            net.zeroGrad();
            loss.backward();
            opt.step();
        }
        double train = steps * batch / ((System.nanoTime() - t0) / 1e9);
        net.eval();
        double eval;
        try (var ignored = Autograd.noGrad()) {
            net.logits(x);
            t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) net.logits(x);
            eval = steps * batch / ((System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(Locale.ROOT, "java (%s) threads %d batch %d: train %.1f images/s (%.0f s per FER2013 epoch), eval %.1f images/s%n",
                io.mater.engine.Simd.describe(), threads, batch, train, 28709 / train, eval);
    }
}
