package io.mater.cli;

import io.mater.engine.Simd;
import io.mater.engine.Tensor;

/** Entry point of mater-engine.jar. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        var x = Tensor.vector(1, 2, 3);
        System.out.println("MATER engine: kernels " + Simd.describe() + "; " + x);
    }
}
