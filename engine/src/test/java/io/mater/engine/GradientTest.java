package io.mater.engine;

import static io.mater.engine.GradCheck.awayFrom;
import static io.mater.engine.GradCheck.check;
import static io.mater.engine.GradCheck.randn;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every differentiable op of the engine, gradient-checked by central differences. */
class GradientTest {
    private static final float[] NONE = {};

    private static Tensor positive(long seed, int... shape) {
        return awayFrom(new Rng(seed), 0.5f, 2f, 0f, NONE, shape);
    }

    @Test
    void binaryOpsWithBroadcasting() {
        check("add", t -> t[0].add(t[1]), randn(1, 3, 1, 5), randn(2, 4, 5));
        check("sub", t -> t[0].sub(t[1]), randn(3, 2, 3), randn(4, 3));
        check("mul", t -> t[0].mul(t[1]), randn(5, 7, 1), randn(6, 1, 9));
        check("div", t -> t[0].div(t[1]), randn(7, 2, 5), positive(8, 5));
        check("pow", t -> t[0].pow(t[1]), positive(9, 3, 4), randn(10, 4));
        Tensor a = randn(11, 17), gap = awayFrom(new Rng(12), -1, 1, 0.1f, new float[] {0}, 17);
        check("maximum", t -> t[0].maximum(t[1]), a, a.add(gap));
        Tensor c = randn(13, 2, 3), gap2 = awayFrom(new Rng(14), -1, 1, 0.1f, new float[] {0}, 3);
        check("minimum", t -> t[0].minimum(t[1]), c, c.select(0, 1).add(gap2));
    }

    @Test
    void binaryOpsOnNonContiguousInputs() {
        check("mul of transposed", t -> t[0].mul(t[1]), randn(1, 5, 3).mT(), randn(2, 3, 5));
        check("add of permuted", t -> t[0].add(t[1]), randn(3, 2, 3, 4).permute(2, 0, 1), randn(4, 4, 2, 1));
        check("div of sliced", t -> t[0].div(t[1]), randn(5, 6, 7).slice(1, 1, 7, 2), positive(6, 6, 3));
    }

    @Test
    void scalarAndUnaryOps() {
        check("affine", t -> t[0].mul(3f).add(1f), randn(1, 7));
        check("pow scalar", t -> t[0].pow(2.5f), positive(2, 3, 3));
        check("neg", t -> t[0].neg(), randn(3, 5));
        check("exp", t -> t[0].exp(), randn(4, 2, 9));
        check("log", t -> t[0].log(), positive(5, 17));
        check("sqrt", t -> t[0].sqrt(), positive(6, 33));
        check("abs", t -> t[0].abs(), awayFrom(new Rng(7), -2, 2, 0.05f, new float[] {0}, 4, 4));
        check("square", t -> t[0].square(), randn(8, 6));
        check("relu", t -> t[0].relu(), awayFrom(new Rng(9), -2, 2, 0.05f, new float[] {0}, 127));
        check("gelu", t -> t[0].gelu(), randn(10, 33));
        check("tanh", t -> t[0].tanh(), randn(11, 5, 3));
        check("sigmoid", t -> t[0].sigmoid(), randn(12, 7));
        check("clamp", t -> t[0].clamp(-0.5f, 0.7f), awayFrom(new Rng(13), -2, 2, 0.05f, new float[] {-0.5f, 0.7f}, 40));
        check("unary of transposed", t -> t[0].exp(), randn(14, 3, 5).mT());
    }

    @Test
    void whereAndMaskedFill() {
        Tensor cond = Tensor.of(new float[] {1, 0, 1, 0, 0, 1}, 2, 3);
        check("where", t -> Tensor.where(cond, t[0], t[1]), randn(1, 2, 3), randn(2, 3));
        check("masked_fill", t -> t[0].maskedFill(cond, -5f), randn(3, 2, 3));
    }

    @Test
    void reductions() {
        check("sum all", t -> t[0].sum(), randn(1, 3, 4));
        check("sum axes keepdim", t -> t[0].sum(new int[] {0, 2}, true), randn(2, 3, 4, 5));
        check("sum middle axis", t -> t[0].sum(1, false), randn(3, 3, 4, 5));
        check("mean", t -> t[0].mean(new int[] {-1}, false), randn(4, 7, 9));
        check("var unbiased", t -> t[0].var(new int[] {1}, true, true), randn(5, 4, 6));
        check("var biased", t -> t[0].var(new int[] {0, 1}, false, false), randn(6, 4, 6));
        check("max", t -> t[0].max(1, false), randn(7, 5, 6));
        check("min", t -> t[0].min(0, true), randn(8, 5, 6));
        check("max all", t -> t[0].max(), randn(9, 17));
        check("logsumexp", t -> t[0].logsumexp(-1, false), randn(10, 3, 8));
        check("sum of transposed", t -> t[0].sum(0, false), randn(11, 4, 7).mT());
        check("sumTo", t -> t[0].sumTo(3, 1), randn(12, 2, 3, 5));
    }

    @Test
    void viewsAndShapes() {
        check("reshape", t -> t[0].reshape(6, -1).mul(t[0].reshape(6, 4)), randn(1, 2, 3, 4));
        check("reshape non-contiguous", t -> t[0].reshape(-1).exp(), randn(2, 3, 4).mT());
        check("permute", t -> t[0].permute(2, 0, 1).contiguous(), randn(3, 2, 3, 4));
        check("narrow", t -> t[0].narrow(1, 1, 2), randn(4, 3, 4));
        check("slice step", t -> t[0].slice(0, 1, 7, 3), randn(5, 8, 2));
        check("select", t -> t[0].select(1, 2), randn(6, 3, 4, 2));
        check("index_select with repeats", t -> t[0].indexSelect(0, 2, 0, 2, 1), randn(7, 3, 5));
        check("squeeze/unsqueeze", t -> t[0].unsqueeze(1).squeeze(1).unsqueeze(-1), randn(8, 4, 3));
        check("expand", t -> t[0].expand(2, 3, 4), randn(9, 3, 1));
        check("cat", t -> Tensor.cat(List.of(t[0], t[1], t[0]), 1), randn(10, 2, 3), randn(11, 2, 5));
        check("stack", t -> Tensor.stack(List.of(t[0], t[1]), 0), randn(12, 4, 3), randn(13, 4, 3));
        check("flatten", t -> t[0].flatten(1, 2), randn(14, 2, 3, 4, 2));
    }

    @Test
    void matmulShapes() {
        check("2d x 2d", t -> t[0].matmul(t[1]), randn(1, 3, 4), randn(2, 4, 5));
        check("batched x batched", t -> t[0].matmul(t[1]), randn(3, 2, 3, 4), randn(4, 2, 4, 5));
        check("batched x 2d", t -> t[0].matmul(t[1]), randn(5, 3, 2, 4), randn(6, 4, 3));
        check("2d x batched", t -> t[0].matmul(t[1]), randn(7, 2, 4), randn(8, 3, 4, 3));
        check("broadcast batch", t -> t[0].matmul(t[1]), randn(9, 2, 1, 3, 4), randn(10, 5, 4, 2));
        check("transposed operands", t -> t[0].mT().matmul(t[1].mT()), randn(11, 4, 3), randn(12, 5, 4));
        check("vector x matrix", t -> t[0].matmul(t[1]), randn(13, 4), randn(14, 4, 3));
        check("matrix x vector", t -> t[0].matmul(t[1]), randn(15, 3, 4), randn(16, 4));
        check("vector x vector", t -> t[0].matmul(t[1]), randn(17, 7), randn(18, 7));
        check("permuted batch", t -> t[0].permute(1, 0, 2).matmul(t[1]), randn(19, 3, 2, 4), randn(20, 2, 4, 3));
    }

    @Test
    void linear() {
        check("linear 3d", t -> MatMul.linear(t[0], t[1], t[2]), randn(1, 2, 3, 5), randn(2, 4, 5), randn(3, 4));
        check("linear no bias", t -> MatMul.linear(t[0], t[1], null), randn(4, 3, 5), randn(5, 4, 5));
        check("linear transposed input", t -> MatMul.linear(t[0].mT(), t[1], t[2]), randn(6, 5, 3), randn(7, 4, 5), randn(8, 4));
    }

    @Test
    void softmaxFamily() {
        check("softmax last", t -> t[0].softmax(-1), randn(1, 3, 7));
        check("softmax middle", t -> t[0].softmax(1), randn(2, 2, 5, 3));
        check("log_softmax", t -> t[0].logSoftmax(-1), randn(3, 4, 9));
        check("log_softmax first", t -> t[0].logSoftmax(0), randn(4, 6, 2));
        check("softmax of transposed", t -> t[0].softmax(-1), randn(5, 5, 3).mT());
    }

    @Test
    void layerNorm() {
        check("layer_norm affine", t -> Normalization.layerNorm(t[0], new int[] {7}, t[1], t[2], 1e-5f), randn(1, 3, 7), randn(2, 7), randn(3, 7));
        check("layer_norm no affine", t -> Normalization.layerNorm(t[0], new int[] {4, 5}, null, null, 1e-5f), randn(4, 2, 4, 5));
        check("layer_norm odd width", t -> Normalization.layerNorm(t[0], new int[] {33}, t[1], t[2], 1e-5f), randn(5, 5, 33), randn(6, 33), randn(7, 33));
        check("layer_norm transposed input", t -> Normalization.layerNorm(t[0], new int[] {3}, t[1], null, 1e-5f), randn(8, 3, 4).mT(), randn(9, 3));
    }

    @Test
    void dropout() {
        check("dropout", t -> Elementwise.dropout(t[0], 0.3f, true, 42L), randn(1, 5, 17));
    }

    @Test
    void losses() {
        Tensor labels = Tensor.vector(2, 0, 4, 1);
        check("cross_entropy mean", t -> Losses.crossEntropy(t[0], labels), randn(1, 4, 5));
        check("cross_entropy sum", t -> Losses.crossEntropy(t[0], labels, Losses.Reduction.SUM, -100), randn(2, 4, 5));
        check("cross_entropy none", t -> Losses.crossEntropy(t[0], labels, Losses.Reduction.NONE, -100), randn(3, 4, 5));
        Tensor ignored = Tensor.vector(2, -100, 4, 1);
        check("cross_entropy ignore", t -> Losses.crossEntropy(t[0], ignored), randn(4, 4, 5));
        check("nll", t -> Losses.nllLoss(t[0].logSoftmax(1), labels), randn(5, 4, 5));
    }

    @Test
    void attention() {
        check("attention", t -> Attention.scaledDotProduct(t[0], t[1], t[2]), randn(1, 2, 3, 5, 4), randn(2, 2, 3, 7, 4), randn(3, 2, 3, 7, 6));
        Tensor mask = Tensor.zeros(2, 1, 1, 7);
        mask.data()[3] = -1e9f;
        mask.data()[7 + 6] = -1e9f;
        check("attention masked", t -> Attention.scaledDotProduct(t[0], t[1], t[2], mask, 0.5f).output(), randn(4, 2, 3, 5, 4), randn(5, 2, 3, 7, 4), randn(6, 2, 3, 7, 6));
        check("attention with dropout", t -> Attention.scaledDotProduct(t[0], t[1], t[2], null, 0.4f, 0.25f, 99L).output(), randn(8, 1, 2, 6, 4), randn(9, 1, 2, 6, 4), randn(10, 1, 2, 6, 3));
        // q, k, v as strided views of one packed projection [B, T, 3, H, D], as multi-head attention uses them
        check("attention packed views", t -> {
            Tensor qkv = t[0];
            Tensor q = qkv.select(2, 0).permute(0, 2, 1, 3), k = qkv.select(2, 1).permute(0, 2, 1, 3), v = qkv.select(2, 2).permute(0, 2, 1, 3);
            return Attention.scaledDotProduct(q, k, v);
        }, randn(7, 2, 5, 3, 2, 4));
    }
}
