package io.mater.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mater.engine.Tensor;
import org.junit.jupiter.api.Test;

/** The measures against values computed by hand. */
class MetricsTest {
    @Test
    void accuracyAndConfusion() {
        int[] pred = {0, 1, 1, 2, 2, 0}, labels = {0, 1, 2, 2, 0, 0};
        assertEquals(4 / 6.0, Metrics.accuracy(pred, labels), 1e-12);
        assertArrayEquals(new int[][] {{2, 0, 1}, {0, 1, 0}, {0, 1, 1}}, Metrics.confusion(pred, labels, 3));
        assertArrayEquals(new int[] {2, 1}, Metrics.argmax(Tensor.of(new float[] {0, 1, 5, 2, 3, 1}, 2, 3)));
    }

    @Test
    void entropies() {
        assertEquals(Math.log(4), Metrics.entropy(new double[] {0.25, 0.25, 0.25, 0.25}), 1e-12);
        assertEquals(0, Metrics.entropy(new double[] {1, 0, 0}), 1e-12);
        // -(0.5 ln 0.5 + 0.25 ln 0.25 * 2) = 1.0397207708
        assertEquals(1.0397207708399179, Metrics.entropy(new double[] {0.5, 0.25, 0.25}), 1e-12);
        double[][] p = Metrics.softmax(Tensor.of(new float[] {0, 0, (float) Math.log(2)}, 1, 3));
        assertArrayEquals(new double[] {0.25, 0.25, 0.5}, p[0], 1e-7);
        assertEquals((Math.log(4) + 1.0397207708399179) / 2, Metrics.meanEntropy(new double[][] {{0.25, 0.25, 0.25, 0.25}, {0.5, 0.25, 0.25, 0}}), 1e-12);
    }

    @Test
    void klDivergence() {
        double[][] p = {{0.5, 0.5}}, q = {{0.9, 0.1}};
        // 0.5 ln(0.5/0.9) + 0.5 ln(0.5/0.1) = 0.5108256238
        assertEquals(0.5108256237659907, Metrics.meanKl(p, q), 1e-12);
        assertEquals(0, Metrics.meanKl(p, p), 1e-15);
    }

    @Test
    void embeddingEntropyOfEquationSix() {
        // a uniform hidden state (all equal) has entropy ln d; one-hot-like large values approach 0
        Tensor flat = Tensor.zeros(2, 3, 8);
        assertEquals(Math.log(8), Metrics.embeddingEntropy(flat), 1e-9);
        Tensor h = Tensor.of(new float[] {0, 0, (float) Math.log(2)}, 1, 1, 3);
        assertEquals(1.0397207708399179, Metrics.embeddingEntropy(h), 1e-6);
    }

    @Test
    void meanAndSampleStd() {
        var ms = Metrics.MeanStd.of(new double[] {1, 2, 3, 4});
        assertEquals(2.5, ms.mean(), 1e-12);
        assertEquals(Math.sqrt(5.0 / 3), ms.std(), 1e-12);
        assertEquals("250.0 ± 129.1", ms.format(100, 1));
        assertEquals(0, Metrics.MeanStd.of(new double[] {7}).std());
    }
}
