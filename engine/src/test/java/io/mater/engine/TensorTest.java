package io.mater.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Creation, views, broadcasting values, autograd semantics and error messages. */
class TensorTest {
    @Test
    void creation() {
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, Tensor.zeros(2, 3).toArray());
        assertArrayEquals(new float[] {1, 1}, Tensor.ones(2).toArray());
        assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f}, Tensor.full(2.5f, 3).toArray());
        assertArrayEquals(new float[] {0, 1, 2, 3}, Tensor.arange(4).toArray());
        assertArrayEquals(new float[] {1, 0.5f, 0}, Tensor.arange(1, -0.1f, -0.5f).toArray());
        assertEquals(7f, Tensor.scalar(7).item());
        assertEquals(0, Tensor.scalar(7).dim());
        assertArrayEquals(Tensor.randn(new Rng(3), 5).toArray(), Tensor.randn(new Rng(3), 5).toArray());
        float[] u = Tensor.rand(new Rng(4), 1000).toArray();
        for (float v : u) assertTrue(v >= 0 && v < 1);
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
        // zero-size tensors are contiguous and copy to empty arrays
        Tensor empty = Tensor.zeros(3, 0, 2);
        assertTrue(empty.isContiguous());
        assertEquals(0, empty.permute(2, 0, 1).toArray().length);
        assertArrayEquals(new int[] {3, 2}, empty.sum(1, false).shape());
    }

    @Test
    void randnIsStandardNormal() {
        float[] x = Tensor.randn(new Rng(9), 200_000).toArray();
        double s = 0, s2 = 0;
        for (float v : x) {
            s += v;
            s2 += v * v;
        }
        assertEquals(0, s / x.length, 0.01);
        assertEquals(1, s2 / x.length, 0.01);
    }

    @Test
    void viewsShareStorage() {
        Tensor a = Tensor.arange(6).reshape(2, 3);
        Tensor t = a.mT();
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertFalse(t.isContiguous());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toArray());
        a.data()[1] = 10;
        assertEquals(10f, t.get(1, 0));
        assertArrayEquals(new float[] {10, 4}, a.narrow(1, 1, 1).reshape(2).toArray());
        assertArrayEquals(new float[] {3, 4, 5}, a.select(0, 1).toArray());
        assertArrayEquals(new float[] {0, 2, 3, 5}, a.slice(1, 0, 3, 2).toArray());
        assertArrayEquals(new float[] {3, 4, 5, 0, 10, 2}, a.indexSelect(0, 1, 0).toArray());
        Tensor e = Tensor.vector(1, 2).unsqueeze(1).expand(2, 3);
        assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2}, e.toArray());
        assertArrayEquals(new float[] {0, 10, 2, 3, 4, 5, 7, 8}, Tensor.cat(List.of(a.reshape(6), Tensor.vector(7, 8)), 0).toArray());
        assertArrayEquals(new int[] {2, 2, 3}, Tensor.stack(List.of(a, a), 0).shape());
        assertThrows(IllegalStateException.class, () -> a.mT().view(6));
        assertArrayEquals(new float[] {0, 3, 10, 4, 2, 5}, a.mT().reshape(6).toArray());
    }

    @Test
    void broadcastingValues() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, a.add(Tensor.vector(10, 20, 30)).toArray());
        assertArrayEquals(new float[] {0, 1, 2, 2, 3, 4}, a.sub(Tensor.of(new float[] {1, 2}, 2, 1)).toArray());
        assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, a.mul(2f).toArray());
        assertArrayEquals(new float[] {6, 15}, a.sum(1, false).toArray());
        assertArrayEquals(new float[] {2.5f, 3.5f, 4.5f}, a.mean(0, false).toArray());
        assertArrayEquals(new float[] {3, 6}, a.max(1, false).toArray());
        assertArrayEquals(new float[] {2, 2}, a.argmax(1, false).toArray());
        var err = assertThrows(IllegalArgumentException.class, () -> a.add(Tensor.zeros(4)));
        assertTrue(err.getMessage().contains("[2, 3]") && err.getMessage().contains("[4]"), err.getMessage());
    }

    @Test
    void knownValues() {
        Tensor x = Tensor.vector(-1, 0, 2);
        assertArrayEquals(new float[] {0, 0, 2}, x.relu().toArray());
        assertArrayEquals(new float[] {-0.158655f, 0f, 1.954500f}, x.gelu().toArray(), 1e-5f);
        assertArrayEquals(new float[] {0.090031f, 0.244728f, 0.665241f}, Tensor.vector(1, 2, 3).softmax(0).toArray(), 1e-6f);
        assertArrayEquals(new float[] {-2.407606f, -1.407606f, -0.407606f}, Tensor.vector(1, 2, 3).logSoftmax(0).toArray(), 1e-6f);
        assertEquals(3.407606f, Tensor.vector(1, 2, 3).logsumexp(0, false).item(), 1e-6f);
        assertEquals(1f, Tensor.vector(1, 2, 3).var(new int[] {0}, true, false).item(), 1e-6f);
        // cross entropy of uniform logits over 4 classes is ln 4
        assertEquals((float) Math.log(4), Losses.crossEntropy(Tensor.zeros(3, 4), Tensor.vector(0, 1, 3)).item(), 1e-6f);
        Tensor ln = Normalization.layerNorm(Tensor.vector(1, 2, 3, 4).reshape(1, 4), new int[] {4}, null, null, 0f);
        assertArrayEquals(new float[] {-1.341641f, -0.447214f, 0.447214f, 1.341641f}, ln.toArray(), 1e-5f);
        assertArrayEquals(new float[] {19, 22, 43, 50},
                Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).matmul(Tensor.of(new float[] {5, 6, 7, 8}, 2, 2)).toArray());
    }

    @Test
    void autogradSemantics() {
        Tensor w = Tensor.vector(1, 2, 3).requiresGrad(true);
        Tensor y = w.mul(w).sum();
        assertEquals("sum", y.gradFnName());
        y.backward();
        assertArrayEquals(new float[] {2, 4, 6}, w.grad().toArray());
        // gradients accumulate until cleared
        w.mul(3f).sum().backward();
        assertArrayEquals(new float[] {5, 7, 9}, w.grad().toArray());
        w.setGrad(null);
        // a tensor used twice gets both contributions
        Tensor h = w.mul(2f);
        h.add(h).sum().backward();
        assertArrayEquals(new float[] {4, 4, 4}, w.grad().toArray());
        // no-grad records nothing
        try (var ignored = Autograd.noGrad()) {
            assertFalse(w.mul(2f).requiresGrad());
        }
        assertTrue(w.mul(2f).requiresGrad());
        // detach cuts the graph
        w.setGrad(null);
        w.detach().mul(w).sum().backward();
        assertArrayEquals(new float[] {1, 2, 3}, w.grad().toArray());
        // retainGrad keeps an intermediate's gradient
        w.setGrad(null);
        Tensor mid = w.mul(2f).retainGrad();
        mid.square().sum().backward();
        assertArrayEquals(new float[] {4, 8, 12}, mid.grad().toArray());
        // a freed graph cannot be used twice
        Tensor z = w.exp().sum();
        z.backward();
        assertThrows(IllegalStateException.class, z::backward);
        Tensor r = w.exp().sum();
        r.backward(Tensor.scalar(1f), true);
        r.backward(Tensor.scalar(1f), true);
        // backward needs a scalar or an explicit gradient
        assertThrows(IllegalStateException.class, () -> w.mul(2f).backward());
        assertThrows(IllegalStateException.class, () -> Tensor.vector(1).backward());
        // leaf grads are contiguous and never alias each other
        Tensor a = Tensor.zeros(2, 3).requiresGrad(true), b = Tensor.zeros(2, 3).requiresGrad(true);
        a.add(b).sum().backward();
        assertTrue(a.grad().isContiguous());
        a.grad().data()[0] = 5;
        assertEquals(1f, b.grad().toArray()[0]);
        assertNull(Tensor.zeros(1).grad());
        assertSame(null, Tensor.zeros(1).gradFnName());
    }

    @Test
    void errorsNameShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).reshape(4, 2));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.zeros(2, 3), Tensor.vector(0, 3)));
        assertTrue(e.getMessage().contains("label 3.0"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).narrow(1, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).sum(new int[] {1, 1}, false));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).sum(2, false));
    }

    @Test
    void dropoutIsDeterministicAndTrainOnly() {
        Tensor x = Tensor.ones(1000);
        assertSame(x, Elementwise.dropout(x, 0.5f, false, 1));
        float[] a = Elementwise.dropout(x, 0.5f, true, 1).toArray(), b = Elementwise.dropout(x, 0.5f, true, 1).toArray();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, Elementwise.dropout(x, 0.5f, true, 2).toArray()));
        for (float v : a) assertTrue(v == 0f || v == 2f);
    }
}
