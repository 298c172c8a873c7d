package io.mater.bench;

import io.mater.engine.Backend;
import io.mater.engine.Conv2dSpec;
import io.mater.engine.Parallel;
import io.mater.engine.Rng;
import io.mater.engine.Simd;
import io.mater.engine.Tensor;
import io.mater.engine.cpu.Gemm;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The CPU convolution on the conv layers of VGGish (96x64 log-mel patch) and VGG-M (96x96 face), batch 32:
 * forward, input gradient and weight gradient, beside a 1024^3 SGEMM for reference.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/mater-bench.jar io.mater.bench.ConvBench [JMH options]
 * </pre>
 * prints JMH's scores and then a table of GFLOPS per layer and direction with the ratio to the GEMM rate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmx8g"})
public class ConvBench {

    /** One conv layer: input channels and size, output channels, kernel, stride, padding. */
    record Layer(int c, int h, int w, int o, int k, int stride, int pad) {
        Conv2dSpec spec() {
            return Conv2dSpec.of(stride, pad);
        }

        int oh() {
            return spec().outH(h, k);
        }

        int ow() {
            return spec().outW(w, k);
        }

        /** Multiply-adds times 2 for one pass (forward, input gradient or weight gradient) over a batch. */
        double flops(int batch) {
            return 2.0 * batch * o * oh() * ow() * c * k * k;
        }
    }

    static final Map<String, Layer> LAYERS = new LinkedHashMap<>();

    static {
        // VGGish: 3x3 pad 1 convs on a [1, 96, 64] log-mel patch, 2x2 max pools between
        LAYERS.put("vggish1", new Layer(1, 96, 64, 64, 3, 1, 1));
        LAYERS.put("vggish2", new Layer(64, 48, 32, 128, 3, 1, 1));
        LAYERS.put("vggish3_1", new Layer(128, 24, 16, 256, 3, 1, 1));
        LAYERS.put("vggish3_2", new Layer(256, 24, 16, 256, 3, 1, 1));
        LAYERS.put("vggish4_1", new Layer(256, 12, 8, 512, 3, 1, 1));
        LAYERS.put("vggish4_2", new Layer(512, 12, 8, 512, 3, 1, 1));
        // VGG-M on a 96x96 face: conv1 7x7/2, pool 3/2, conv2 5x5/2 pad 1, pool 3/2 ceil, conv3-5 3x3 pad 1
        LAYERS.put("vggm1", new Layer(3, 96, 96, 96, 7, 2, 0));
        LAYERS.put("vggm2", new Layer(96, 22, 22, 256, 5, 2, 1));
        LAYERS.put("vggm3", new Layer(256, 5, 5, 512, 3, 1, 1));
        LAYERS.put("vggm4", new Layer(512, 5, 5, 512, 3, 1, 1));
        LAYERS.put("vggm5", new Layer(512, 5, 5, 512, 3, 1, 1));
    }

    @Param({"vggish1", "vggish2", "vggish3_1", "vggish3_2", "vggish4_1", "vggish4_2", "vggm1", "vggm2", "vggm3", "vggm4", "vggm5"})
    public String layer;

    @Param({"32"})
    public int batch;

    private Backend be;
    private Tensor x, w, b, gy;
    private Conv2dSpec spec;

    @Setup
    public void setup() {
        Layer l = LAYERS.get(layer);
        var rng = new Rng(42);
        x = Tensor.randn(rng, batch, l.c, l.h, l.w);
        w = Tensor.randn(rng, l.o, l.c, l.k, l.k).mul(0.05f);
        b = Tensor.randn(rng, l.o);
        gy = Tensor.randn(rng, batch, l.o, l.oh(), l.ow());
        spec = l.spec();
        be = x.backend();
    }

    // Each pass runs in a memory scope, as the trainers run their steps: the output's array is reused from one
    // call to the next instead of allocated (and zeroed by the JVM) anew; one element is returned.

    @Benchmark
    public float forward() {
        try (var scope = be.memoryScope()) {
            return be.conv2d(x, w, b, spec).data()[0];
        }
    }

    @Benchmark
    public float backwardInput() {
        try (var scope = be.memoryScope()) {
            return be.conv2dBackwardInput(gy, w, x.shape(), spec).data()[0];
        }
    }

    @Benchmark
    public float backwardWeight() {
        try (var scope = be.memoryScope()) {
            return be.conv2dBackwardWeight(gy, x, w.shape(), spec).data()[0];
        }
    }

    /** The reference rate: C[1024 x 1024] = A B. */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 2)
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
    public static class GemmReference {
        static final int N = 1024;
        float[] a, b, c;

        @Setup
        public void setup() {
            var rng = new Rng(7);
            a = new float[N * N];
            b = new float[N * N];
            c = new float[N * N];
            for (int i = 0; i < a.length; i++) {
                a[i] = rng.nextGaussian();
                b[i] = rng.nextGaussian();
            }
        }

        @Benchmark
        public float[] gemm1024() {
            Gemm.sgemm(false, false, N, N, N, 1f, a, 0, N, b, 0, N, 0f, c, 0, N);
            return c;
        }
    }

    /** Runs the benchmarks (JMH options pass through, e.g. -p layer=vggm2) and prints the GFLOPS table. */
    public static void main(String[] args) throws Exception {
        var cli = new CommandLineOptions(args);
        var opts = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) opts.include(ConvBench.class.getName() + ".*");
        Collection<RunResult> results = new Runner(opts.build()).run();
        double gemmMs = Double.NaN;
        List<String[]> rows = new ArrayList<>();
        for (var r : results) {
            var p = r.getParams();
            double ms = r.getPrimaryResult().getScore();
            String bench = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
            if (bench.equals("gemm1024")) {
                gemmMs = ms;
                continue;
            }
            Layer l = LAYERS.get(p.getParam("layer"));
            double gflops = l.flops(Integer.parseInt(p.getParam("batch"))) / (ms * 1e6);
            rows.add(new String[] {p.getParam("layer"), bench, String.format("%.2f", ms), String.format("%.1f", gflops)});
        }
        double gemmGflops = 2.0 * GemmReference.N * GemmReference.N * GemmReference.N / (gemmMs * 1e6);
        System.out.printf("%nkernels: %s, threads: %d%n", Simd.describe(), Parallel.threads());
        System.out.printf("GEMM 1024^3: %.2f ms, %.1f GFLOPS%n%n", gemmMs, gemmGflops);
        System.out.printf("%-10s %-15s %10s %8s %8s%n", "layer", "pass", "ms", "GFLOPS", "x GEMM");
        for (String[] row : rows)
            System.out.printf("%-10s %-15s %10s %8s %8.2f%n", row[0], row[1], row[2], row[3], Double.parseDouble(row[3]) / gemmGflops);
    }
}
