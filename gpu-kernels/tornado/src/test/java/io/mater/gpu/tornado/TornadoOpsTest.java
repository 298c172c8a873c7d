package io.mater.gpu.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.BinaryOp;
import io.mater.engine.ReduceOp;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.UnaryOp;
import io.mater.engine.cpu.CpuBackend;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The device-resident kernels (everything but SGEMM, softmax, dropout and attention, which
 * {@link TornadoBackendTest} covers) against the engine's CPU kernels on odd shapes, strided and broadcast
 * views, forward and backward; and the residency itself: ops between an upload and a download move no data
 * to or from the host.
 */
class TornadoOpsTest {
    static TornadoBackend tv;
    static final CpuBackend CPU = CpuBackend.INSTANCE;

    @BeforeAll
    static void open() {
        tv = TornadoBackend.open(0);
    }

    static Tensor up(Tensor t) {
        return tv.upload(t);
    }

    /** want (CPU) and got (tornado) agree elementwise within tol relative; NaN matches NaN, infinities match. */
    static void close(Tensor want, Tensor got, float tol, String what) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        float[] w = CPU.download(want), g = tv.download(got);
        for (int i = 0; i < w.length; i++) {
            if (Float.isNaN(w[i]) || Float.isInfinite(w[i])) {
                assertEquals(w[i], g[i], what + ": element " + i);
                continue;
            }
            float err = Math.abs(w[i] - g[i]);
            assertTrue(err <= tol * (1 + Math.abs(w[i])), what + ": element " + i + " want " + w[i] + " got " + g[i]);
        }
    }

    @Test
    void unaryOpsOnStridedViews() {
        var rng = new Rng(11);
        var x = Tensor.randn(rng, 7, 17).mul(2f);
        var xt = x.transpose(0, 1);                 // strided view [17, 7]
        var dx = up(x).transpose(0, 1);
        for (UnaryOp op : UnaryOp.values()) {
            float p = op == UnaryOp.POW ? 2f : op == UnaryOp.CLAMP || op == UnaryOp.INSIDE ? -0.5f : 0.3f;
            float q = op == UnaryOp.CLAMP || op == UnaryOp.INSIDE ? 0.7f : -1.25f;
            close(CPU.unary(op, xt, p, q), tv.unary(op, dx, p, q), 2e-5f, "unary " + op);
        }
    }

    @Test
    void binaryOpsBroadcastOddShapes() {
        var rng = new Rng(12);
        int[][][] cases = {{{3, 1, 17}, {5, 1}}, {{1}, {7, 33}}, {{2, 3, 5}, {2, 3, 5}}, {{127}, {1}}};
        for (int[][] c : cases) {
            var a = Tensor.randn(rng, c[0]);
            var b = Tensor.randn(rng, c[1]).add(Tensor.scalar(0.1f));
            for (BinaryOp op : BinaryOp.values()) {
                Tensor aa = op == BinaryOp.POW ? CPU.unary(UnaryOp.ABS, a, 0, 0) : a;
                close(CPU.binary(op, aa, b), tv.binary(op, up(aa), up(b)), 2e-5f, "binary " + op + " " + Arrays.deepToString(c));
            }
        }
    }

    @Test
    void whereBroadcasts() {
        var rng = new Rng(13);
        var cond = CPU.unary(UnaryOp.GT, Tensor.randn(rng, 5, 1), 0f, 0f);
        var a = Tensor.randn(rng, 1, 9);
        var b = Tensor.randn(rng, 5, 9);
        close(CPU.where(cond, a, b), tv.where(up(cond), up(a), up(b)), 0f, "where");
    }

    @Test
    void copyAddIntoFillOnStridedViews() {
        var rng = new Rng(14);
        var src = Tensor.randn(rng, 3, 1, 7);
        var base = Tensor.randn(rng, 3, 5, 7);
        // CPU: a copy of base, written through a narrowed view
        var cpuDst = CPU.contiguous(base);
        var devDst = up(base);
        CPU.copy(src, cpuDst.narrow(1, 1, 3));
        tv.copy(up(src), devDst.narrow(1, 1, 3));
        close(cpuDst, devDst, 0f, "copy into narrowed view");
        var cs = CPU.contiguous(base);
        var ds = up(base);
        CPU.addInto(src, cs.narrow(1, 2, 2));
        tv.addInto(up(src), ds.narrow(1, 2, 2));
        close(cs, ds, 1e-6f, "addInto a broadcast source");
        CPU.fill(cs.transpose(0, 2).narrow(0, 3, 2), -2.5f);
        tv.fill(ds.transpose(0, 2).narrow(0, 3, 2), -2.5f);
        close(cs, ds, 0f, "fill a strided view");
        close(CPU.contiguous(base.permute(2, 0, 1)), tv.contiguous(up(base).permute(2, 0, 1)), 0f, "contiguous of a permutation");
        close(CPU.zeros(new int[] {3, 17}), tv.zeros(new int[] {3, 17}), 0f, "zeros");
    }

    @Test
    void reductionsOverAxes() {
        var rng = new Rng(15);
        var x = Tensor.randn(rng, 3, 7, 17);
        int[][] axesCases = {{0}, {1}, {2}, {0, 2}, {0, 1, 2}, {}};
        for (ReduceOp op : ReduceOp.values())
            for (int[] axes : axesCases)
                for (boolean keep : new boolean[] {false, true})
                    close(CPU.reduce(op, x, axes, keep), tv.reduce(op, up(x), axes, keep), 1e-5f,
                            "reduce " + op + " " + Arrays.toString(axes) + " keep " + keep);
        close(CPU.reduce(ReduceOp.SUM, x.transpose(0, 2), new int[] {1}, false),
                tv.reduce(ReduceOp.SUM, up(x).transpose(0, 2), new int[] {1}, false), 1e-5f, "reduce of a transposed view");
        for (int axis = 0; axis < 3; axis++)
            close(CPU.argmax(x, axis, false), tv.argmax(up(x), axis, false), 0f, "argmax axis " + axis);
    }

    @Test
    void layerNormForwardAndBackward() {
        var rng = new Rng(16);
        for (int[] s : new int[][] {{1, 1}, {7, 33}, {3, 5, 17}}) {
            int cols = s[s.length - 1];
            var x = Tensor.randn(rng, s).mul(3f).add(Tensor.scalar(1f));
            var w = Tensor.randn(rng, cols);
            var b = Tensor.randn(rng, cols);
            var gy = Tensor.randn(rng, s);
            for (boolean affine : new boolean[] {true, false}) {
                var want = CPU.layerNorm(x, affine ? w : null, affine ? b : null, cols, 1e-5f);
                var got = tv.layerNorm(up(x), affine ? up(w) : null, affine ? up(b) : null, cols, 1e-5f);
                String what = "layerNorm " + Arrays.toString(s) + " affine " + affine;
                for (int i = 0; i < 3; i++) close(want[i], got[i], 2e-5f, what + " output " + i);
                var wb = CPU.layerNormBackward(gy, x, affine ? w : null, want[1], want[2], cols);
                var gb = tv.layerNormBackward(up(gy), up(x), affine ? up(w) : null, got[1], got[2], cols);
                close(wb[0], gb[0], 1e-4f, what + " gx");
                if (affine) {
                    close(wb[1], gb[1], 1e-4f, what + " gw");
                    close(wb[2], gb[2], 1e-4f, what + " gb");
                } else {
                    assertNull(gb[1]);
                }
            }
        }
    }

    @Test
    void crossEntropyForwardAndBackward() {
        var rng = new Rng(17);
        int n = 7, c = 5;
        var logits = Tensor.randn(rng, n, c).mul(2f);
        var labels = Tensor.of(new float[] {0, 4, 2, -100, 1, 3, 4}, n);
        var want = CPU.crossEntropy(logits, labels, -100);
        var got = tv.crossEntropy(up(logits).transpose(0, 1).contiguous().transpose(0, 1), up(labels), -100);
        close(want[0], got[0], 1e-5f, "cross entropy loss");
        close(want[1], got[1], 1e-5f, "cross entropy log-softmax");
        var g = Tensor.randn(rng, n);
        close(CPU.crossEntropyBackward(want[1], labels, g, -100), tv.crossEntropyBackward(got[1], up(labels), up(g), -100), 1e-5f, "cross entropy backward");
        var g0 = Tensor.scalar(0.25f).expand(n); // a broadcast gradient (the mean's)
        close(CPU.crossEntropyBackward(want[1], labels, g0, -100), tv.crossEntropyBackward(got[1], up(labels), up(Tensor.scalar(0.25f)).expand(n), -100),
                1e-5f, "cross entropy backward, broadcast gradient");
    }

    @Test
    void indexSelectAndIndexAdd() {
        var rng = new Rng(18);
        var a = Tensor.randn(rng, 3, 7, 5);
        var index = Tensor.of(new float[] {6, 0, 2, 2, 5}, 5);
        for (int axis = 0; axis < 3; axis++) {
            var idx = axis == 0 ? Tensor.of(new float[] {2, 0, 2}, 3) : index.narrow(0, 0, axis == 1 ? 5 : 4).contiguous();
            if (axis == 2) idx = Tensor.of(new float[] {4, 0, 0, 3}, 4);
            var want = CPU.indexSelect(a, axis, idx);
            var got = tv.indexSelect(up(a), axis, up(idx));
            close(want, got, 0f, "indexSelect axis " + axis);
            var g = Tensor.randn(rng, want.shape());
            close(CPU.indexAdd(a.shape(), axis, idx, g), tv.indexAdd(a.shape(), axis, up(idx), up(g)), 1e-6f, "indexAdd axis " + axis);
        }
    }

    @Test
    void adamMatchesCpu() {
        var rng = new Rng(19);
        for (boolean decoupled : new boolean[] {false, true}) {
            var p = Tensor.randn(rng, 33);
            var m = Tensor.zeros(33);
            var v = Tensor.zeros(33);
            var dp = up(p);
            var dm = up(m);
            var dv = up(v);
            for (int step = 1; step <= 3; step++) {
                var g = Tensor.randn(rng, 33);
                CPU.adamStep(p, g, m, v, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, step);
                tv.adamStep(dp, up(g), dm, dv, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, step);
            }
            close(p, dp, 1e-5f, "adam param decoupled=" + decoupled);
            close(m, dm, 1e-5f, "adam m");
            close(v, dv, 1e-5f, "adam v");
        }
    }

    @Test
    void opsBetweenUploadAndDownloadMoveNothingToTheHost() {
        var rng = new Rng(20);
        var x = Tensor.randn(rng, 9, 17);
        var w = Tensor.randn(rng, 17, 5);
        var dx = up(x);
        var dw = up(w);
        long before = tv.hostTransferBytes();
        var h = tv.unary(UnaryOp.RELU, tv.matmul(dx, dw, null), 0, 0);
        var s = tv.reduce(ReduceOp.SUM, tv.softmax(h, true), new int[] {1}, false);
        var ln = tv.layerNorm(h, null, null, 5, 1e-5f);
        assertEquals(before, tv.hostTransferBytes(), "the ops copied data between host and device");
        var want = CPU.reduce(ReduceOp.SUM, CPU.softmax(CPU.unary(UnaryOp.RELU, CPU.matmul(x, w, null), 0, 0), true), new int[] {1}, false);
        close(want, s, 1e-5f, "chained ops");
        assertEquals(before + 4L * 9, tv.hostTransferBytes(), "a download copies exactly its elements");
        close(CPU.layerNorm(CPU.unary(UnaryOp.RELU, CPU.matmul(x, w, null), 0, 0), null, null, 5, 1e-5f)[0], ln[0], 1e-4f, "layer norm of chained ops");
    }

    @Test
    void memoryScopeFreesItsTensors() {
        long before = tv.memoryInUse();
        Tensor kept;
        try (var scope = tv.memoryScope()) {
            var a = tv.zeros(new int[] {100, 33});
            var b = tv.unary(UnaryOp.EXP, a, 0, 0);
            kept = scope.keep(tv.binary(BinaryOp.ADD, a, b));
            assertTrue(tv.memoryInUse() >= before + 3 * 3300 * 4L);
        }
        assertEquals(before + 3312 * 4L, tv.memoryInUse(), "only the kept tensor (aligned to 16 floats) stays");
        assertEquals(1f, tv.download(kept)[3299]);
        ((TornadoMemory) kept.storage()).close();
        assertEquals(before, tv.memoryInUse());
    }

    @Test
    void allocatorReusesAndMergesFreedRanges() {
        var a = new ArenaAllocator(1000);
        assertEquals(992, a.capacity());
        int x = a.alloc(ArenaAllocator.blockLength(17)), y = a.alloc(ArenaAllocator.blockLength(1)), z = a.alloc(ArenaAllocator.blockLength(100));
        assertEquals(0, x);
        assertEquals(32, y);
        assertEquals(48, z);
        assertEquals(-1, a.alloc(992));
        a.free(y, 16);
        assertEquals(2, a.freeRanges());
        a.free(x, 32);
        a.free(z, 112);
        assertEquals(1, a.freeRanges());
        assertEquals(0, a.inUse());
        assertEquals(0, a.alloc(992));
    }
}
