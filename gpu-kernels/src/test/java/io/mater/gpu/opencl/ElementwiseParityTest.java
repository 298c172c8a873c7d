package io.mater.gpu.opencl;

import static io.mater.gpu.opencl.OpenClTesting.CL;
import static io.mater.gpu.opencl.OpenClTesting.checkOp;
import static io.mater.gpu.opencl.OpenClTesting.randn;
import static io.mater.gpu.opencl.OpenClTesting.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mater.engine.Elementwise;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Elementwise, broadcasting, view/copy and dropout kernels on OpenCL against the CPU backend, forward and backward. */
class ElementwiseParityTest {
    @org.junit.jupiter.api.BeforeEach
    void needsOpenCl() {
        OpenClTesting.backend(); // skips (or fails under MATER_REQUIRE_OPENCL=1) without a device
    }

    private static final float RTOL = 2e-5f, ATOL = 2e-6f;

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 17, 33, 127, 1031})
    void unaryOpsForwardAndBackward(int n) {
        Tensor x = randn(n, 3, n), pos = uniform(n + 1, 0.1f, 3f, 3, n);
        List<Function<Tensor, Tensor>> ops = List.of(Tensor::neg, Tensor::exp, Tensor::abs, Tensor::relu, Tensor::gelu, Tensor::tanh,
                Tensor::sigmoid, Tensor::square, t -> t.mul(1.7f).add(0.3f), t -> t.clamp(-0.5f, 0.4f), t -> t.pow(3f));
        for (int i = 0; i < ops.size(); i++) {
            var op = ops.get(i);
            checkOp("unary " + i + " n=" + n, in -> op.apply(in.get(0)), 1e-4f, 1e-5f, x);
        }
        checkOp("log n=" + n, in -> in.get(0).log(), RTOL, ATOL, pos);
        checkOp("sqrt n=" + n, in -> in.get(0).sqrt(), RTOL, ATOL, pos);
        checkOp("pow 0.5 n=" + n, in -> in.get(0).pow(0.5f), 1e-4f, ATOL, pos);
        checkOp("compare n=" + n, in -> in.get(0).gt(0.2f).add(in.get(0).lt(-0.1f)).add(in.get(0).eq(0f)), 0f, 0f, x);
    }

    @Test
    void binaryOpsWithBroadcastingAndStridedInputs() {
        Tensor a = randn(1, 3, 1, 5), b = randn(2, 7, 5), c = randn(3, 5, 7), pos = uniform(4, 0.5f, 2f, 7, 5);
        checkOp("add", in -> in.get(0).add(in.get(1)), RTOL, ATOL, a, b);
        checkOp("sub", in -> in.get(0).sub(in.get(1)), RTOL, ATOL, a, b);
        checkOp("mul", in -> in.get(0).mul(in.get(1)), RTOL, ATOL, a, b);
        checkOp("div", in -> in.get(0).div(in.get(1)), 1e-4f, 1e-5f, a, pos);
        checkOp("pow", in -> in.get(1).pow(in.get(0)), 1e-4f, 1e-5f, a, pos);
        checkOp("maximum", in -> in.get(0).maximum(in.get(1)), RTOL, ATOL, a, b);
        checkOp("minimum", in -> in.get(0).minimum(in.get(1)), RTOL, ATOL, a, b);
        // a transposed (non-contiguous) operand and a narrowed one
        checkOp("transposed", in -> in.get(0).mT().mul(in.get(1).narrow(1, 2, 1)), RTOL, ATOL, c, b);
        checkOp("where", in -> Tensor.where(in.get(0).gt(0f), in.get(1), in.get(0).mul(2f)), RTOL, ATOL, c.mT(), b);
        checkOp("maskedFill", in -> in.get(0).maskedFill(in.get(1).gt(0.3f), -1e9f), RTOL, ATOL, b, a.select(0, 1));
    }

    @Test
    void viewsCopiesAndShapeOps() {
        Tensor x = randn(5, 4, 9, 6);
        checkOp("permute+contiguous", in -> in.get(0).permute(2, 0, 1).contiguous().mul(1.5f), RTOL, ATOL, x);
        checkOp("slice", in -> in.get(0).slice(1, 1, 8, 3).exp(), RTOL, ATOL, x);
        checkOp("cat", in -> Tensor.cat(List.of(in.get(0), in.get(1).mT()), 1).tanh(), RTOL, ATOL, x, randn(6, 4, 6, 5));
        checkOp("stack+select", in -> Tensor.stack(List.of(in.get(0).select(2, 3), in.get(0).select(2, 0)), 0).sigmoid(), RTOL, ATOL, x);
        checkOp("expand", in -> in.get(0).expand(3, 9, 6).mul(in.get(0)), RTOL, ATOL, x.narrow(0, 1, 1));
        checkOp("reshape of a transposed view", in -> in.get(0).mT().reshape(4, -1).relu(), RTOL, ATOL, x);
        checkOp("index_select", in -> in.get(0).indexSelect(1, 8, 0, 3, 3, 8).square(), RTOL, ATOL, x);
        checkOp("index_select axis 0", in -> in.get(0).indexSelect(0, 3, 1, 1), RTOL, ATOL, x);
        var be = OpenClTesting.backend();
        // fill and addInto on a strided destination
        Tensor z = be.zeros(new int[] {4, 9, 6}), zc = Tensor.zeros(4, 9, 6);
        be.fill(z.slice(1, 2, 9, 2), 3f);
        zc.backend().fill(zc.slice(1, 2, 9, 2), 3f);
        be.addInto(x.to(CL).select(2, 1).unsqueeze(2), z.narrow(2, 1, 4));
        zc.backend().addInto(x.select(2, 1).unsqueeze(2), zc.narrow(2, 1, 4));
        assertArrayEquals(zc.toArray(), z.toArray());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 17, 1000, 4099})
    void dropoutMasksEqualTheCpuMasks(int n) {
        Tensor x = uniform(n, 0.5f, 1.5f, n);
        for (float p : new float[] {0.1f, 0.5f, 0.9f}) {
            long seed = 1234567L * n + (long) (p * 10);
            float[] cpu = Elementwise.dropout(x, p, true, seed).toArray();
            float[] cl = Elementwise.dropout(x.to(CL), p, true, seed).toArray();
            assertArrayEquals(cpu, cl, "dropout p=" + p + " n=" + n);
            checkOp("dropout p=" + p, in -> Elementwise.dropout(in.get(0), p, true, seed), 0f, 0f, x);
        }
    }

    @Test
    void hashMatchesRng() {
        // the uniforms behind the masks: dropout of ones with p just above a uniform keeps exactly the elements >= p
        int n = 333;
        Tensor ones = Tensor.ones(n).to(CL);
        long seed = 99;
        float[] kept = Elementwise.dropout(ones, 0.5f, true, seed).toArray();
        for (int i = 0; i < n; i++) assertEquals(Rng.hashUniform(seed, i) >= 0.5f ? 2f : 0f, kept[i], "element " + i);
    }
}
