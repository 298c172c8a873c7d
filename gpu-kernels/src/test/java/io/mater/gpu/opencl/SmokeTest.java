package io.mater.gpu.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.mater.engine.Tensor;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void uploadAddDownload() {
        OpenClTesting.backend();
        var a = Tensor.of(new float[] {1, 2, 3}, 3).to(OpenClTesting.CL);
        var b = Tensor.of(new float[] {10, 20, 30}, 3).to(OpenClTesting.CL);
        assertArrayEquals(new float[] {11, 22, 33}, a.add(b).toArray());
        assertArrayEquals(new float[] {140}, a.matmul(b).toArray());
    }
}
