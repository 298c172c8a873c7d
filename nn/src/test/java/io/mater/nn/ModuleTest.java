package io.mater.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModuleTest {
    @Test
    void namesFollowPyTorch() {
        var layer = new TransformerEncoderLayer(8, 2, 16, 0.1f, true, new Rng(0));
        assertEquals(List.of("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
                "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"),
                List.copyOf(layer.namedParameters().keySet()));
        var baseline = new TransformerEncoderLayer(8, 2, 16, 0.1f, false, new Rng(0));
        assertEquals(List.of("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm2.weight", "norm2.bias"),
                List.copyOf(baseline.namedParameters().keySet()));
        var bn = new BatchNorm2d(3);
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"), List.copyOf(bn.stateDict().keySet()));
        var seq = new Sequential(new Linear(2, 3, new Rng(1)), Activation.relu(), new Linear(3, 1, new Rng(2)));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(seq.namedParameters().keySet()));
    }

    @Test
    void initialisationBounds() {
        var lin = new Linear(100, 50, new Rng(3));
        float bound = 1 / 10f;
        for (float v : lin.weight().toArray()) assertTrue(Math.abs(v) <= bound);
        for (float v : lin.bias().toArray()) assertTrue(Math.abs(v) <= bound);
        var mha = new MultiheadAttention(16, 4, 0f, new Rng(4));
        float xavier = (float) Math.sqrt(6.0 / (16 + 48));
        float maxAbs = 0;
        for (float v : mha.namedParameters().get("in_proj_weight").toArray()) maxAbs = Math.max(maxAbs, Math.abs(v));
        assertTrue(maxAbs <= xavier && maxAbs > 0.8 * xavier, "xavier bound " + xavier + " max " + maxAbs);
        for (float v : mha.namedParameters().get("in_proj_bias").toArray()) assertEquals(0f, v);
        for (float v : mha.namedParameters().get("out_proj.bias").toArray()) assertEquals(0f, v);
    }

    @Test
    void loadStateDictReportsEveryProblem() {
        var a = new Linear(3, 2, new Rng(5));
        var b = new Linear(3, 2, new Rng(6));
        var r = b.loadStateDict(a.stateDict(), true);
        assertTrue(r.clean());
        assertArrayEquals(a.weight().toArray(), b.weight().toArray());
        var bad = new HashMap<String, Tensor>();
        bad.put("weight", Tensor.zeros(2, 4));
        bad.put("extra", Tensor.zeros(1));
        var e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(bad, true));
        assertTrue(e.getMessage().contains("missing keys [bias]") && e.getMessage().contains("unexpected keys [extra]")
                && e.getMessage().contains("weight (expected [2, 3], got [2, 4])"), e.getMessage());
        var lenient = b.loadStateDict(bad, false);
        assertEquals(List.of("bias"), lenient.missing());
        assertArrayEquals(a.weight().toArray(), b.weight().toArray(), "a wrongly shaped tensor must not be loaded");
    }

    @Test
    void trainEvalAndZeroGrad() {
        var layer = new TransformerEncoderLayer(8, 2, 16, 0.5f, true, new Rng(7));
        Tensor x = Tensor.randn(new Rng(8), 2, 3, 8);
        layer.eval();
        assertFalse(layer.isTraining());
        assertArrayEquals(layer.forward(x).toArray(), layer.forward(x).toArray(), "eval is deterministic (no dropout)");
        layer.train();
        assertFalse(java.util.Arrays.equals(layer.forward(x).toArray(), layer.forward(x).toArray()), "dropout differs between calls");
        layer.forward(x).sum().backward();
        assertTrue(layer.parameters().stream().allMatch(p -> p.grad() != null));
        layer.zeroGrad();
        layer.parameters().forEach(p -> assertNull(p.grad()));
    }

    @Test
    void batchNormRunningStatistics() {
        var bn = new BatchNorm2d(2);
        Tensor x = Tensor.randn(new Rng(9), 4, 2, 3, 3).mul(2f).add(1f);
        bn.forward(x);
        float[] mean = x.mean(new int[] {0, 2, 3}, false).toArray();
        float[] var = x.var(new int[] {0, 2, 3}, true, false).toArray();
        float[] rm = bn.stateDict().get("running_mean").toArray(), rv = bn.stateDict().get("running_var").toArray();
        for (int c = 0; c < 2; c++) {
            assertEquals(0.1f * mean[c], rm[c], 1e-5f);
            assertEquals(0.9f + 0.1f * var[c], rv[c], 1e-4f);
        }
        assertEquals(1f, bn.stateDict().get("num_batches_tracked").item());
    }

    @Test
    void positionalEncodingMatchesEquationOne() {
        Tensor pe = PositionalEncoding.table(5, 6);
        for (int t = 0; t < 5; t++)
            for (int i = 0; i < 3; i++) {
                double angle = t / Math.pow(10000, 2.0 * i / 6);
                assertEquals(Math.sin(angle), pe.get(t, 2 * i), 1e-5);
                assertEquals(Math.cos(angle), pe.get(t, 2 * i + 1), 1e-5);
            }
    }
}
