package io.mater.gpu.opencl;

import static io.mater.gpu.opencl.OpenClTesting.CL;
import static io.mater.gpu.opencl.OpenClTesting.checkOp;
import static io.mater.gpu.opencl.OpenClTesting.randn;

import io.mater.engine.Attention;
import io.mater.engine.MatMul;
import io.mater.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SGEMM (transposes, batch broadcast, bias) and fused attention on OpenCL against the CPU backend. */
class MatmulAttentionParityTest {
    @org.junit.jupiter.api.BeforeEach
    void needsOpenCl() {
        OpenClTesting.backend(); // skips (or fails under MATER_REQUIRE_OPENCL=1) without a device
    }

    private static final float RTOL = 2e-4f, ATOL = 2e-4f;

    @ParameterizedTest
    @CsvSource({"1,1,1", "7,17,33", "33,1,7", "65,127,17", "64,64,64", "129,65,200"})
    void matmulAllTransposes(int m, int k, int n) {
        Tensor a = randn(m * 31L + k, m, k), b = randn(k * 17L + n, k, n), at = randn(m + 5L, k, m), bt = randn(n + 9L, n, k);
        checkOp("nn " + m + "x" + k + "x" + n, in -> in.get(0).matmul(in.get(1)), RTOL, ATOL, a, b);
        checkOp("tn", in -> in.get(0).mT().matmul(in.get(1)), RTOL, ATOL, at, b);
        checkOp("nt", in -> in.get(0).matmul(in.get(1).mT()), RTOL, ATOL, a, bt);
        checkOp("tt", in -> in.get(0).mT().matmul(in.get(1).mT()), RTOL, ATOL, at, bt);
    }

    @Test
    void batchedWithBroadcastAndBias() {
        checkOp("batched", in -> in.get(0).matmul(in.get(1)), RTOL, ATOL, randn(1, 2, 3, 9, 13), randn(2, 2, 3, 13, 5));
        checkOp("broadcast batch", in -> in.get(0).matmul(in.get(1)), RTOL, ATOL, randn(3, 2, 1, 9, 13), randn(4, 3, 13, 5));
        checkOp("batched x 2-D", in -> in.get(0).matmul(in.get(1)), RTOL, ATOL, randn(5, 4, 7, 11), randn(6, 11, 19));
        checkOp("vector", in -> in.get(0).matmul(in.get(1)), RTOL, ATOL, randn(7, 11), randn(8, 3, 11, 4));
        checkOp("5 batch dims", in -> in.get(0).matmul(in.get(1)), RTOL, ATOL, randn(9, 2, 1, 2, 1, 2, 3, 4), randn(10, 1, 2, 1, 2, 1, 4, 5));
        checkOp("linear", in -> MatMul.linear(in.get(0), in.get(1), in.get(2)), RTOL, ATOL, randn(11, 3, 7, 33), randn(12, 17, 33), randn(13, 17));
        checkOp("linear of a narrowed weight", in -> MatMul.linear(in.get(0), in.get(1).narrow(0, 17, 17), in.get(2).narrow(0, 17, 17)), RTOL, ATOL,
                randn(14, 5, 33), randn(15, 51, 33), randn(16, 51));
    }

    @ParameterizedTest
    @CsvSource({"1,1,1,1,1", "2,3,7,7,16", "3,2,17,17,33", "2,4,64,64,128", "1,2,10,5,8", "2,2,70,70,24"})
    void attentionForwardAndBackward(int b, int h, int tq, int tk, int d) {
        Tensor q = randn(b * 7L + tq, b, h, tq, d), k = randn(h * 3L + tk, b, h, tk, d), v = randn(d + 5L, b, h, tk, d);
        float scale = (float) (1 / Math.sqrt(d));
        checkOp("attention " + b + "," + h + "," + tq + "," + tk + "," + d,
                in -> Attention.scaledDotProduct(in.get(0), in.get(1), in.get(2), null, scale).output(), RTOL, ATOL, q, k, v);
        // key padding mask [B, 1, 1, Tk] and dropout on the weights
        float[] pad = new float[b * tk];
        for (int i = 0; i < pad.length; i++) pad[i] = i % tk == tk - 1 && tk > 1 ? -1e9f : 0f;
        Tensor mask = Tensor.of(pad, b, 1, 1, tk);
        checkOp("attention masked+dropout", in -> Attention.scaledDotProduct(in.get(0), in.get(1), in.get(2),
                in.get(0).device().isCpu() ? mask : mask.to(CL), scale, 0.2f, 77L).output(), RTOL, ATOL, q, k, v);
        checkOp("attention weights", in -> Attention.scaledDotProduct(in.get(0), in.get(1), in.get(2),
                in.get(0).device().isCpu() ? mask : mask.to(CL), scale, 0.2f, 77L).weights(), RTOL, 1e-6f, q, k, v);
    }

    @Test
    void attentionOnPermutedProjections() {
        // as MultiheadAttention: q, k, v are permuted views of one packed projection [B, T, 3, H, Dk]
        Tensor qkv = randn(3, 2, 9, 3, 4, 8);
        checkOp("attention on views", in -> {
            Tensor p = in.get(0).permute(2, 0, 3, 1, 4);
            return Attention.scaledDotProduct(p.select(0, 0), p.select(0, 1), p.select(0, 2), null, 0.35f, 0.1f, 5L).output();
        }, RTOL, ATOL, qkv);
    }
}
