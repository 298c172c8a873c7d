package io.mater.gpu.tornado;

import io.mater.engine.Backend;
import io.mater.engine.Backends;
import io.mater.engine.Device;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;

/**
 * GFLOPS of SGEMM and attention on several devices, through the engine's {@link Backend} interface, so
 * the same numbers come out for tornado, opencl (when its jar is on the class path) and cpu:
 *
 * <pre>java @$TORNADOVM_HOME/tornado-argfile --add-modules jdk.incubator.vector -cp ... \
 *     io.mater.gpu.tornado.TornadoGflops tornado:0,opencl:0,cpu</pre>
 *
 * One timed call = the op on device-resident inputs plus the download of its result (which waits for the
 * device). SGEMM counts 2MNK flops; attention forward+backward 12*BH*Tq*Tk*D (two matmuls forward, four
 * backward). A benchmark tool, not a test: it asserts nothing and times with the wall clock.
 */
public final class TornadoGflops {
    private TornadoGflops() {}

    public static void main(String[] args) {
        String[] devices = (args.length > 0 ? args[0] : "tornado:0,cpu").split(",");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2.0;
        int[][] gemms = {{1, 256, 256, 256}, {1, 512, 512, 512}, {16, 64, 64, 64}, {8, 127, 65, 33}};
        int[][] atts = {{8, 64, 32}, {16, 128, 16}};  // BH, T, D
        System.out.printf("%-12s %-24s %10s %10s%n", "device", "op", "ms/call", "GFLOPS");
        for (var spec : devices) {
            var dev = Device.parse(spec);
            Backend be = Backends.of(dev);
            var rng = new Rng(1);
            for (int[] g : gemms) {
                var a = Tensor.randn(rng, g[0], g[1], g[3]).to(dev);
                var b = Tensor.randn(rng, g[0], g[3], g[2]).to(dev);
                double ms = time(() -> be.download(be.matmul(a, b, null)), seconds);
                double flops = 2.0 * g[0] * g[1] * g[2] * g[3];
                System.out.printf("%-12s %-24s %10.3f %10.2f%n", dev, "sgemm " + g[0] + "x" + g[1] + "x" + g[2] + "x" + g[3], ms, flops / ms / 1e6);
            }
            for (int[] t : atts) {
                int bh = t[0], n = t[1], d = t[2];
                var q = Tensor.randn(rng, 1, bh, n, d).to(dev);
                var k = Tensor.randn(rng, 1, bh, n, d).to(dev);
                var v = Tensor.randn(rng, 1, bh, n, d).to(dev);
                var go = Tensor.randn(rng, 1, bh, n, d).to(dev);
                float scale = (float) (1 / Math.sqrt(d));
                double ms = time(() -> {
                    var f = be.attention(q, k, v, null, scale, 0f, 0);
                    var gr = be.attentionBackward(go, q, k, v, f[1], scale, 0f, 0);
                    be.download(gr[0]);
                }, seconds);
                double flops = 12.0 * bh * n * n * d;
                System.out.printf("%-12s %-24s %10.3f %10.2f%n", dev, "attention f+b " + bh + "x" + n + "x" + d, ms, flops / ms / 1e6);
            }
        }
    }

    /** Mean milliseconds per call after 3 warm-up calls, over at least the given seconds. */
    private static double time(Runnable r, double seconds) {
        for (int i = 0; i < 3; i++) r.run();
        long t0 = System.nanoTime();
        int n = 0;
        do {
            r.run();
            n++;
        } while (System.nanoTime() - t0 < seconds * 1e9);
        return (System.nanoTime() - t0) / 1e6 / n;
    }
}
