package io.mater.engine.cpu;

import io.mater.engine.Backend;
import io.mater.engine.BinaryOp;
import io.mater.engine.Conv2dSpec;
import io.mater.engine.Device;
import io.mater.engine.Pool2dSpec;
import io.mater.engine.ReduceOp;
import io.mater.engine.Shape;
import io.mater.engine.Storage;
import io.mater.engine.Tensor;
import io.mater.engine.UnaryOp;

/** The CPU backend: heap float arrays, Vector API kernels when available, scalar twins otherwise. */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override
    public Device device() {
        return Device.CPU;
    }

    static float[] data(Tensor t) {
        return ((Storage.Heap) t.storage()).data();
    }

    static Tensor newTensor(int[] shape) {
        return Tensor.of(new float[Shape.numelInt(shape)], shape);
    }

    /** t itself when contiguous from offset 0, else a contiguous copy. */
    static Tensor dense(Tensor t) {
        return t.isContiguous() ? t : INSTANCE.contiguous(t);
    }

    // ------------------------------------------------------------------ memory

    @Override
    public Tensor zeros(int[] shape) {
        return newTensor(shape);
    }

    @Override
    public Tensor upload(Tensor cpu) {
        if (!cpu.device().isCpu()) return Tensor.of(cpu.backend().download(cpu), cpu.shape());
        return contiguous(cpu);
    }

    @Override
    public float[] download(Tensor t) {
        int n = t.numel();
        if (t.isContiguous()) {
            float[] out = new float[n];
            System.arraycopy(data(t), t.offset(), out, 0, n);
            return out;
        }
        return data(contiguous(t));
    }

    @Override
    public Tensor contiguous(Tensor t) {
        int[] shape = t.shape();
        var out = newTensor(shape);
        Strided.copy(data(t), t.offset(), t.strides(), data(out), 0, out.strides(), shape, false);
        return out;
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        int[] shape = dst.shape();
        int[] ss = Shape.broadcastStrides(src.shape(), src.strides(), shape);
        Strided.copy(data(src), src.offset(), ss, data(dst), dst.offset(), dst.strides(), shape, false);
    }

    @Override
    public void addInto(Tensor src, Tensor dst) {
        int[] shape = dst.shape();
        int[] ss = Shape.broadcastStrides(src.shape(), src.strides(), shape);
        Strided.copy(data(src), src.offset(), ss, data(dst), dst.offset(), dst.strides(), shape, true);
    }

    @Override
    public void fill(Tensor dst, float value) {
        Strided.fill(data(dst), dst.offset(), dst.strides(), dst.shape(), value);
    }

    // ------------------------------------------------------------------ not yet written

    private static UnsupportedOperationException todo(String op) {
        return new UnsupportedOperationException(op + " is not implemented on cpu yet");
    }

    @Override public Tensor unary(UnaryOp op, Tensor a, float p, float q) { throw todo("unary"); }
    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) { throw todo("binary"); }
    @Override public Tensor where(Tensor cond, Tensor a, Tensor b) { throw todo("where"); }
    @Override public Tensor reduce(ReduceOp op, Tensor a, int[] axes, boolean keepdim) { throw todo("reduce"); }
    @Override public Tensor argmax(Tensor a, int axis, boolean keepdim) { throw todo("argmax"); }
    @Override public Tensor matmul(Tensor a, Tensor b, Tensor bias) { throw todo("matmul"); }
    @Override public Tensor softmax(Tensor a, boolean log) { throw todo("softmax"); }
    @Override public Tensor softmaxBackward(Tensor y, Tensor gy, boolean log) { throw todo("softmax"); }
    @Override public Tensor[] layerNorm(Tensor x, Tensor w, Tensor b, int cols, float eps) { throw todo("layer_norm"); }
    @Override public Tensor[] layerNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor rstd, int cols) { throw todo("layer_norm"); }
    @Override public Tensor dropout(Tensor x, float p, long seed) { throw todo("dropout"); }
    @Override public Tensor[] crossEntropy(Tensor logits, Tensor labels, int ignoreIndex) { throw todo("cross_entropy"); }
    @Override public Tensor crossEntropyBackward(Tensor logSoftmax, Tensor labels, Tensor g, int ignoreIndex) { throw todo("cross_entropy"); }
    @Override public Tensor indexSelect(Tensor a, int axis, Tensor index) { throw todo("index_select"); }
    @Override public Tensor indexAdd(int[] shape, int axis, Tensor index, Tensor g) { throw todo("index_add"); }
    @Override public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) { return ConvOps.conv2d(x, w, bias, spec); }
    @Override public Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] xShape, Conv2dSpec spec) { return ConvOps.conv2dBackwardInput(gy, w, xShape, spec); }
    @Override public Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] wShape, Conv2dSpec spec) { return ConvOps.conv2dBackwardWeight(gy, x, wShape, spec); }
    @Override public Tensor[] maxPool2d(Tensor x, Pool2dSpec spec) { return ConvOps.maxPool2d(x, spec); }
    @Override public Tensor maxPool2dBackward(Tensor gy, Tensor argmax, int[] xShape) { return ConvOps.maxPool2dBackward(gy, argmax, xShape); }
    @Override public Tensor avgPool2d(Tensor x, Pool2dSpec spec) { return ConvOps.avgPool2d(x, spec); }
    @Override public Tensor avgPool2dBackward(Tensor gy, int[] xShape, Pool2dSpec spec) { return ConvOps.avgPool2dBackward(gy, xShape, spec); }
    @Override public Tensor[] batchNorm(Tensor x, Tensor w, Tensor b, Tensor runningMean, Tensor runningVar, boolean training, float eps) { return ConvOps.batchNorm(x, w, b, runningMean, runningVar, training, eps); }
    @Override public Tensor[] batchNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor invstd, boolean training) { return ConvOps.batchNormBackward(gy, x, w, mean, invstd, training); }
    @Override public Tensor[] localResponseNorm(Tensor x, int size, float alpha, float beta, float k) { return ConvOps.localResponseNorm(x, size, alpha, beta, k); }
    @Override public Tensor localResponseNormBackward(Tensor gy, Tensor x, Tensor y, Tensor s, int size, float alpha, float beta) { return ConvOps.localResponseNormBackward(gy, x, y, s, size, alpha, beta); }
    @Override public Tensor[] attention(Tensor q, Tensor k, Tensor v, Tensor mask, float scale) { throw todo("attention"); }
    @Override public Tensor[] attentionBackward(Tensor gOut, Tensor q, Tensor k, Tensor v, Tensor probs, float scale) { throw todo("attention"); }
    @Override public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled, int step) { throw todo("adam"); }
}
