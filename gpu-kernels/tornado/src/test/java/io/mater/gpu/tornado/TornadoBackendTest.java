package io.mater.gpu.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.Backends;
import io.mater.engine.Device;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.cpu.CpuBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TornadoVM kernels against the engine's CPU kernels on random odd shapes (not multiples of the 16-wide
 * tile). Runs only under the tornadovm profile, through the SDK's argfile (PoCL or any OpenCL device).
 */
class TornadoBackendTest {
    static TornadoBackend tv;
    static final CpuBackend CPU = CpuBackend.INSTANCE;

    @BeforeAll
    static void open() {
        tv = TornadoBackend.open(0); // runs the canary: throws if kernels fall back to sequential Java
        System.out.println("tornado device: " + tv.deviceName());
    }

    static Tensor rand(Rng rng, int... shape) {
        return Tensor.randn(rng, shape);
    }

    static void close(Tensor want, Tensor got, float tol, String what) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        float[] w = CPU.download(want), g = tv.download(got);
        for (int i = 0; i < w.length; i++) {
            float err = Math.abs(w[i] - g[i]);
            assertTrue(err <= tol * (1 + Math.abs(w[i])), what + ": element " + i + " want " + w[i] + " got " + g[i]);
        }
    }

    @Test
    void providerIsFoundAsDeviceTornado() {
        assertTrue(Backends.available().contains("tornado"));
        assertInstanceOf(TornadoBackend.class, Backends.of(Device.parse("tornado:0")));
    }

    @Test
    void matmulOddShapes() {
        var rng = new Rng(1);
        int[][] cases = {{1, 1, 1, 1}, {1, 7, 17, 33}, {3, 33, 5, 17}, {2, 17, 31, 1}, {1, 127, 65, 47}};
        for (int[] c : cases) {
            var a = rand(rng, c[0], c[1], c[3]);
            var b = rand(rng, c[0], c[3], c[2]);
            close(CPU.matmul(a, b, null), tv.matmul(tv.upload(a), tv.upload(b), null), 1e-4f, "matmul " + java.util.Arrays.toString(c));
        }
    }

    @Test
    void matmulBroadcastTransposedAndBias() {
        var rng = new Rng(2);
        var a = rand(rng, 2, 3, 7, 17);        // [2, 3, M, K]
        var bt = rand(rng, 33, 17);            // b^T stored [N, K], used as the transposed view [K, N]
        var bias = rand(rng, 33);
        var want = CPU.matmul(a, bt.transpose(0, 1), bias);
        var got = tv.matmul(tv.upload(a), tv.upload(bt).transpose(0, 1), tv.upload(bias));
        close(want, got, 1e-4f, "broadcast matmul");
    }

    @Test
    void softmaxForwardAndBackward() {
        var rng = new Rng(3);
        for (boolean log : new boolean[] {false, true}) {
            for (int[] s : new int[][] {{1, 1}, {7, 33}, {3, 5, 17}, {129, 3}}) {
                var x = rand(rng, s).mul(3f);
                var gy = rand(rng, s);
                var y = CPU.softmax(x, log);
                var ty = tv.softmax(tv.upload(x), log);
                close(y, ty, 1e-5f, "softmax log=" + log);
                close(CPU.softmaxBackward(y, gy, log), tv.softmaxBackward(ty, tv.upload(gy), log), 1e-4f, "softmax backward log=" + log);
            }
        }
    }

    @Test
    void attentionForwardAndBackward() {
        var rng = new Rng(4);
        int[][] cases = {{1, 1, 1, 1, 1, 1}, {2, 3, 7, 17, 5, 9}, {1, 2, 33, 19, 16, 16}};
        for (int[] c : cases) {
            int b = c[0], h = c[1], tq = c[2], tk = c[3], dk = c[4], dv = c[5];
            var q = rand(rng, b, h, tq, dk);
            var k = rand(rng, b, h, tk, dk);
            var v = rand(rng, b, h, tk, dv);
            var mask = Tensor.zeros(b, 1, 1, tk);  // padding mask broadcast over heads and queries
            var md = mask.data();
            for (int i = 0; i < md.length; i++) if (i % tk == tk - 1 && tk > 1) md[i] = -1e9f;
            float scale = (float) (1 / Math.sqrt(dk));
            var want = CPU.attention(q, k, v, mask, scale, 0f, 0);
            var got = tv.attention(tv.upload(q), tv.upload(k), tv.upload(v), tv.upload(mask), scale, 0f, 0);
            String what = "attention " + java.util.Arrays.toString(c);
            close(want[0], got[0], 1e-4f, what + " out");
            close(want[1], got[1], 1e-5f, what + " probs");
            var g = rand(rng, b, h, tq, dv);
            var wg = CPU.attentionBackward(g, q, k, v, want[1], scale, 0f, 0);
            var tg = tv.attentionBackward(tv.upload(g), tv.upload(q), tv.upload(k), tv.upload(v), got[1], scale, 0f, 0);
            close(wg[0], tg[0], 1e-4f, what + " gq");
            close(wg[1], tg[1], 1e-4f, what + " gk");
            close(wg[2], tg[2], 1e-4f, what + " gv");
        }
    }

    @Test
    void dropoutMaskMatchesCpuBitForBit() {
        var x = rand(new Rng(8), 3, 7, 33);
        var want = CPU.download(CPU.dropout(x, 0.3f, 1234L));
        var got = tv.download(tv.dropout(tv.upload(x), 0.3f, 1234L));
        assertArrayEquals(want, got);
        // another seed through the same compiled plan gives another mask
        assertArrayEquals(CPU.download(CPU.dropout(x, 0.3f, 99L)), tv.download(tv.dropout(tv.upload(x), 0.3f, 99L)));
    }

    @Test
    void attentionWithDropoutForwardAndBackward() {
        var rng = new Rng(9);
        int b = 2, h = 2, tq = 9, tk = 13, dk = 7, dv = 5;
        var q = rand(rng, b, h, tq, dk);
        var k = rand(rng, b, h, tk, dk);
        var v = rand(rng, b, h, tk, dv);
        var g = rand(rng, b, h, tq, dv);
        float scale = 0.4f;
        for (long seed : new long[] {5L, 6L}) {
            var want = CPU.attention(q, k, v, null, scale, 0.25f, seed);
            var got = tv.attention(tv.upload(q), tv.upload(k), tv.upload(v), null, scale, 0.25f, seed);
            close(want[0], got[0], 1e-4f, "dropout attention out, seed " + seed);
            close(want[1], got[1], 1e-5f, "dropout attention probs, seed " + seed);
            var wg = CPU.attentionBackward(g, q, k, v, want[1], scale, 0.25f, seed);
            var tg = tv.attentionBackward(tv.upload(g), tv.upload(q), tv.upload(k), tv.upload(v), got[1], scale, 0.25f, seed);
            close(wg[0], tg[0], 1e-4f, "dropout attention gq");
            close(wg[1], tg[1], 1e-4f, "dropout attention gk");
            close(wg[2], tg[2], 1e-4f, "dropout attention gv");
        }
    }

    @Test
    void convolutionRunsOnCpuAndIsCounted() {
        var rng = new Rng(5);
        var x = rand(rng, 1, 2, 7, 9);
        var w = rand(rng, 3, 2, 3, 3);
        var spec = new io.mater.engine.Conv2dSpec(1, 1, 1, 1, 1, 1, 1);
        long before = tv.cpuFallbacks().getOrDefault("conv2d", 0L);
        close(CPU.conv2d(x, w, null, spec), tv.conv2d(tv.upload(x), tv.upload(w), null, spec), 1e-4f, "conv2d fallback");
        assertEquals(before + 1, tv.cpuFallbacks().get("conv2d"));
    }

    @Test
    void autogradThroughTornadoTensors() {
        var rng = new Rng(6);
        var x = rand(rng, 5, 11);
        var w = rand(rng, 11, 3);
        var xc = x.requiresGrad(true);
        var wc = w.requiresGrad(true);
        xc.matmul(wc).softmax(1).mul(rand(new Rng(7), 5, 3)).sum().backward();
        var dev = Device.parse("tornado:0");
        var xt = x.detach().to(dev).requiresGrad(true);
        var wt = w.detach().to(dev).requiresGrad(true);
        xt.matmul(wt).softmax(1).mul(rand(new Rng(7), 5, 3).to(dev)).sum().backward();
        close(xc.grad(), xt.grad(), 1e-4f, "dx");
        close(wc.grad(), wt.grad(), 1e-4f, "dw");
    }
}
