package io.mater.engine.cpu;

import io.mater.bench.GemmBench;
import io.mater.engine.Simd;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SGEMM micro-kernel alone ({@link GemmVector#kernel}, one thread): 16 packed A panels [k][MR] and 16 packed
 * B slivers [k][NR] at k = 512, every sliver against every panel as the blocked loop runs them (the sliver stays
 * in cache while the panels stream), each tile stored to C. No packing, no threads: what C2 makes of the tile.
 * bench/kernel_twin.c runs the same loop compiled by gcc; bench/run.sh puts the two side by side.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class KernelBench {
    private static final int KC = 512, PANELS = 16, SLIVERS = 16, MR = GemmVector.MR, NR = GemmVector.NR;

    private final float[] ap = new float[KC * MR * PANELS], bp = new float[KC * NR * SLIVERS];
    private final float[] c = new float[MR * PANELS * NR * SLIVERS], tile = new float[MR * NR];

    @Setup
    public void setup() {
        if (!Simd.ENABLED) throw new IllegalStateException("the Vector API is off: run with --add-modules jdk.incubator.vector");
        for (int i = 0; i < ap.length; i++) ap[i] = (i % 7) * 1e-3f;
        for (int i = 0; i < bp.length; i++) bp[i] = (i % 5) * 1e-3f;
    }

    @Benchmark
    public float[] kernel(GemmBench.Flops counter) {
        int ldc = SLIVERS * NR;
        for (int jr = 0; jr < SLIVERS; jr++)
            for (int ir = 0; ir < PANELS; ir++)
                GemmVector.kernel(KC, ap, ir * KC * MR, bp, jr * KC * NR, c, ir * MR * ldc + jr * NR, ldc, MR, NR, 1f, 0f, tile);
        counter.flops += 2L * MR * NR * KC * PANELS * SLIVERS;
        return c;
    }
}
