package io.mater.bench;

import io.mater.engine.Attention;
import io.mater.engine.Autograd;
import io.mater.engine.Backends;
import io.mater.engine.Device;
import io.mater.engine.MemoryScope;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.gpu.opencl.OpenClBackend;
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
 * OpenCL kernel throughput (the gpu-kernels backend on opencl:0): SGEMM ({@code MxNxK:TT}, or
 * {@code BxMxNxK:TT} batched) and fused attention forward / forward+backward ({@code BxHxTxD}). The {@code flops}
 * counter is reported per second (GFLOPS = flops/1e9): 2MNK per GEMM; attention forward 4*B*H*T*T*D
 * (q k^T and P v), forward+backward 3x that. Each invocation waits for the queue, so the time includes the
 * launches. On PoCL (a CPU driver) this is a smoke run only.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class OpenClBench {
    static final Device CL = new Device("opencl", 0);

    /** Operands of one (batched) SGEMM on the device; T marks a transposed view. */
    @State(Scope.Thread)
    public static class Gemm {
        @Param({"512x512x512:NN", "512x512x512:NT", "1024x1024x1024:NN", "256x64x64x64:NT"})
        public String shape;

        OpenClBackend be;
        Tensor a, b;
        long flops;

        @Setup
        public void setup() {
            be = (OpenClBackend) Backends.of(CL);
            String[] parts = shape.split(":");
            String[] dims = parts[0].split("x");
            int off = dims.length == 4 ? 1 : 0;
            int batch = off == 1 ? Integer.parseInt(dims[0]) : 1;
            int m = Integer.parseInt(dims[off]), n = Integer.parseInt(dims[off + 1]), k = Integer.parseInt(dims[off + 2]);
            boolean ta = parts[1].charAt(0) == 'T', tb = parts[1].charAt(1) == 'T';
            var rng = new Rng(1);
            a = (ta ? Tensor.randn(rng, batch, k, m) : Tensor.randn(rng, batch, m, k)).to(CL);
            b = (tb ? Tensor.randn(rng, batch, n, k) : Tensor.randn(rng, batch, k, n)).to(CL);
            if (ta) a = a.mT();
            if (tb) b = b.mT();
            flops = 2L * batch * m * n * k;
        }
    }

    /** q, k, v [B, H, T, D] on the device (MATER's encoder: T <= 64, D = d/heads). */
    @State(Scope.Thread)
    public static class Attn {
        @Param({"64x8x8x64", "64x8x32x64"})
        public String shape;

        OpenClBackend be;
        Tensor q, k, v;
        long flops;

        @Setup
        public void setup() {
            be = (OpenClBackend) Backends.of(CL);
            String[] at = shape.split("x");
            int b = Integer.parseInt(at[0]), h = Integer.parseInt(at[1]), t = Integer.parseInt(at[2]), d = Integer.parseInt(at[3]);
            var rng = new Rng(2);
            q = Tensor.randn(rng, b, h, t, d).to(CL);
            k = Tensor.randn(rng, b, h, t, d).to(CL);
            v = Tensor.randn(rng, b, h, t, d).to(CL);
            flops = 4L * b * h * t * t * d;
        }
    }

    @Benchmark
    public void sgemm(Gemm g, GemmBench.Flops f) {
        try (MemoryScope s = g.be.memoryScope()) {
            g.a.matmul(g.b);
            g.be.finish();
        }
        f.flops += g.flops;
    }

    @Benchmark
    public void attentionForward(Attn a, GemmBench.Flops f) {
        try (MemoryScope s = a.be.memoryScope(); var ng = Autograd.noGrad()) {
            Attention.scaledDotProduct(a.q, a.k, a.v, null, 0.125f, 0.1f, 7L);
            a.be.finish();
        }
        f.flops += a.flops;
    }

    @Benchmark
    public void attentionForwardBackward(Attn a, GemmBench.Flops f) {
        try (MemoryScope s = a.be.memoryScope()) {
            Tensor q = a.q.detach().requiresGrad(true), k = a.k.detach().requiresGrad(true), v = a.v.detach().requiresGrad(true);
            Tensor out = Attention.scaledDotProduct(q, k, v, null, 0.125f, 0.1f, 7L).output();
            out.backward(out.onesLike());
            a.be.finish();
        }
        f.flops += 3 * a.flops;
    }
}
