package io.mater.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mater.engine.Simd;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DotTest {
    @Test
    void vectorMatchesScalarOnOddSizes() {
        var rng = new Random(1);
        var a = new float[2000];
        var b = new float[2000];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextGaussian();
            b[i] = (float) rng.nextGaussian();
        }
        for (int n : new int[] {0, 1, 7, 8, 15, 17, 33, 127, 578, 628, 1023}) {
            for (int off : new int[] {0, 3}) {
                double exact = 0;
                for (int j = 0; j < n; j++) exact += (double) a[off + j] * b[5 + j];
                float s = Dot.scalar(a, off, b, 5, n);
                assertEquals(exact, s, 1e-5 * Math.sqrt(n + 1), "scalar n=" + n);
                assertEquals(exact, Dot.dot(a, off, b, 5, n), 1e-5 * Math.sqrt(n + 1), "dispatch n=" + n);
                if (Simd.ENABLED) assertEquals(s, VectorDot.dot(a, off, b, 5, n), 1e-5 * Math.sqrt(n + 1), "vector n=" + n);
            }
        }
    }
}
