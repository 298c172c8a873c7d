package io.mater.bench;

import io.mater.engine.Parallel;
import io.mater.engine.Simd;
import io.mater.engine.cpu.Gemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SGEMM throughput. {@code shape} is {@code MxNxK:TT} (the two letters say whether op(A) and op(B) are
 * transposed, N or T) for one GEMM, or {@code BxMxNxK:TT} for a batch of B small GEMMs ({@link Gemm#sgemmBatched},
 * attention's per-head products). The {@code flops} counter (2*M*N*K per GEMM) is reported as a rate:
 * bench/report.py prints it in GFLOPS beside numpy's.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class GemmBench {
    @Param({"512x512x512:NN", "1024x1024x1024:NN", "512x2048x512:NT", "512x8x8x64:NT", "512x8x64x8:NN"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private boolean transA, transB;
    private int batch, m, n, k, lda, ldb;
    private float[] a, b, c;

    /** Floating-point operations done, reported per second by JMH. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public long flops;

        @Setup(Level.Iteration)
        public void reset() {
            flops = 0;
        }
    }

    @Setup
    public void setup() {
        if (!Simd.ENABLED) throw new IllegalStateException("the Vector API is off: run with --add-modules jdk.incubator.vector");
        String[] parts = shape.split(":");
        String[] dims = parts[0].split("x");
        if (parts.length != 2 || parts[1].length() != 2 || (dims.length != 3 && dims.length != 4))
            throw new IllegalArgumentException("shape must be MxNxK:TT or BxMxNxK:TT, got " + shape);
        int d = dims.length - 3;
        batch = d == 1 ? Integer.parseInt(dims[0]) : 0;
        m = Integer.parseInt(dims[d]);
        n = Integer.parseInt(dims[d + 1]);
        k = Integer.parseInt(dims[d + 2]);
        transA = parts[1].charAt(0) == 'T';
        transB = parts[1].charAt(1) == 'T';
        lda = transA ? m : k;
        ldb = transB ? k : n;
        int count = Math.max(1, batch);
        var rnd = new SplittableRandom(42);
        a = new float[count * m * k];
        b = new float[count * k * n];
        c = new float[count * m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextDouble(-1, 1);
        Parallel.setThreads(threads);
    }

    @Benchmark
    public float[] gemm(Flops counter) {
        if (batch == 0) {
            Gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
            counter.flops += 2L * m * n * k;
        } else {
            Gemm.sgemmBatched(transA, transB, m, n, k, 1f, a, 0, m * k, lda, b, 0, k * n, ldb, 0f, c, 0, m * n, n, batch);
            counter.flops += 2L * batch * m * n * k;
        }
        return c;
    }
}
