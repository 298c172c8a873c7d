package io.mater.engine.cpu;

import io.mater.engine.Conv2dSpec;
import io.mater.engine.Pool2dSpec;
import io.mater.engine.Tensor;

/**
 * CPU convolution, pooling, batch norm and local response norm: the {@link io.mater.engine.Backend}
 * methods of the same names, NCHW.
 */
final class ConvOps {
    private ConvOps() {}

    private static UnsupportedOperationException todo(String op) {
        return new UnsupportedOperationException(op + " is not implemented on cpu yet");
    }

    static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) { throw todo("conv2d"); }
    static Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] xShape, Conv2dSpec spec) { throw todo("conv2d"); }
    static Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] wShape, Conv2dSpec spec) { throw todo("conv2d"); }
    static Tensor[] maxPool2d(Tensor x, Pool2dSpec spec) { throw todo("max_pool2d"); }
    static Tensor maxPool2dBackward(Tensor gy, Tensor argmax, int[] xShape) { throw todo("max_pool2d"); }
    static Tensor avgPool2d(Tensor x, Pool2dSpec spec) { throw todo("avg_pool2d"); }
    static Tensor avgPool2dBackward(Tensor gy, int[] xShape, Pool2dSpec spec) { throw todo("avg_pool2d"); }
    static Tensor[] batchNorm(Tensor x, Tensor w, Tensor b, Tensor runningMean, Tensor runningVar, boolean training, float eps) { throw todo("batch_norm"); }
    static Tensor[] batchNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor invstd, boolean training) { throw todo("batch_norm"); }
    static Tensor[] localResponseNorm(Tensor x, int size, float alpha, float beta, float k) { throw todo("lrn"); }
    static Tensor localResponseNormBackward(Tensor gy, Tensor x, Tensor y, Tensor s, int size, float alpha, float beta) { throw todo("lrn"); }
}
