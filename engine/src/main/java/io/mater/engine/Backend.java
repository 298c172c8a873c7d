package io.mater.engine;

/**
 * The primitive kernels of one device. Autograd, shapes and broadcasting rules live above this line, in
 * the op classes ({@link Elementwise}, {@link Reductions}, {@link MatMul}, ...); a backend only computes.
 * Every input lives on this backend's device; every output is a new contiguous tensor on it unless said
 * otherwise. Inputs may be strided views (permuted, narrowed, broadcast with stride 0) unless said otherwise.
 *
 * <p>The CPU backend implements everything. A device backend that lacks an op throws
 * {@link UnsupportedOperationException} naming the op and the device.
 */
public interface Backend {
    Device device();

    // ------------------------------------------------------------------ memory scopes and accounting

    /**
     * Opens a memory scope on the calling thread: device memory allocated until it closes is freed then,
     * except the tensors it keeps. The CPU's recycles the arrays of the tensors made inside ({@link HeapPool}).
     */
    default MemoryScope memoryScope() {
        return MemoryScope.NONE;
    }

    /** Bytes of device memory allocated now (0 for the heap). */
    default long memoryInUse() {
        return 0;
    }

    /** The most bytes of device memory allocated at once since the backend opened (0 for the heap). */
    default long memoryPeak() {
        return 0;
    }

    // ------------------------------------------------------------------ memory

    /** A new contiguous zero-filled tensor. */
    Tensor zeros(int[] shape);

    /** Copies a CPU tensor (any strides) to this device as a contiguous tensor. */
    Tensor upload(Tensor cpu);

    /** The elements of t (any strides) in row-major order, copied to the heap. */
    float[] download(Tensor t);

    /** A contiguous copy of any strided view. */
    Tensor contiguous(Tensor t);

    /** dst[i] = src[i], with src broadcast to dst's shape; dst may be any non-overlapping strided view. */
    void copy(Tensor src, Tensor dst);

    /** dst[i] += src[i], with src broadcast to dst's shape; dst may be any non-overlapping strided view. */
    void addInto(Tensor src, Tensor dst);

    /** Sets every element of dst (any non-overlapping strided view) to value. */
    void fill(Tensor dst, float value);

    // ------------------------------------------------------------------ elementwise

    Tensor unary(UnaryOp op, Tensor a, float p, float q);

    /** NumPy broadcasting of a and b. */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** cond != 0 ? a : b, all three broadcast together. */
    Tensor where(Tensor cond, Tensor a, Tensor b);

    // ------------------------------------------------------------------ reductions

    /** Reduces over the given (sorted, distinct, non-negative) axes. */
    Tensor reduce(ReduceOp op, Tensor a, int[] axes, boolean keepdim);

    /** Index of the first maximum along axis, as float. */
    Tensor argmax(Tensor a, int axis, boolean keepdim);

    // ------------------------------------------------------------------ linear algebra

    /**
     * Batched matrix product: a [..., M, K] times b [..., K, N], batch dims broadcast, plus bias [N] when
     * not null. Operands whose last two dims are transposed views are used without a copy.
     */
    Tensor matmul(Tensor a, Tensor b, Tensor bias);

    // ------------------------------------------------------------------ fused row ops (over the last axis)

    /** softmax (or log_softmax when log) over the last axis. */
    Tensor softmax(Tensor a, boolean log);

    /** Gradient of softmax (or log_softmax) over the last axis, from its output y and gradient gy. */
    Tensor softmaxBackward(Tensor y, Tensor gy, boolean log);

    /**
     * Layer norm over the last {@code cols} elements of each row. Returns {y, mean [rows], rstd [rows]}.
     * w and b may be null (no affine).
     */
    Tensor[] layerNorm(Tensor x, Tensor w, Tensor b, int cols, float eps);

    /** Returns {gx, gw, gb}; gw, gb are null when w is null. */
    Tensor[] layerNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor rstd, int cols);

    /**
     * Inverted dropout: y = x * keep / (1 - p), keep = {@link Rng#hashUniform(long, int)}(seed, i) >= p for the i-th
     * element in row-major order. The same seed gives the same mask on every device and thread count.
     */
    Tensor dropout(Tensor x, float p, long seed);

    /**
     * Cross entropy of logits [N, C] against integer labels [N] (stored as floats). Returns {loss [N],
     * logSoftmax [N, C]}. A label of {@code ignoreIndex} gives loss 0.
     */
    Tensor[] crossEntropy(Tensor logits, Tensor labels, int ignoreIndex);

    /** Gradient of the per-sample losses: g [N] times (softmax - onehot), zero rows for ignored labels. */
    Tensor crossEntropyBackward(Tensor logSoftmax, Tensor labels, Tensor g, int ignoreIndex);

    // ------------------------------------------------------------------ gather and scatter

    /** Rows of a along axis picked by index (integers stored as floats). */
    Tensor indexSelect(Tensor a, int axis, Tensor index);

    /** Zeros of shape, then g's slices added at the picked positions along axis (duplicates add up). */
    Tensor indexAdd(int[] shape, int axis, Tensor index, Tensor g);

    // ------------------------------------------------------------------ convolution and pooling (NCHW)

    /** x [N, C, H, W], w [O, C/groups, kh, kw], bias [O] or null. */
    Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec);

    Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] xShape, Conv2dSpec spec);

    Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] wShape, Conv2dSpec spec);

    /** Returns {y, argmax} where argmax holds the flat index of the max within each input plane, as float. */
    Tensor[] maxPool2d(Tensor x, Pool2dSpec spec);

    Tensor maxPool2dBackward(Tensor gy, Tensor argmax, int[] xShape);

    /** Average pooling; padded cells count in the divisor (PyTorch's count_include_pad=True). */
    Tensor avgPool2d(Tensor x, Pool2dSpec spec);

    Tensor avgPool2dBackward(Tensor gy, int[] xShape, Pool2dSpec spec);

    /**
     * Batch norm over N, H, W per channel of x [N, C, H, W] (or [N, C]). In training mode uses the batch
     * statistics and returns {y, mean [C], invstd [C]}; in eval mode uses runningMean/runningVar and returns
     * {y, runningMean, invstd}. Running statistics are not updated here.
     */
    Tensor[] batchNorm(Tensor x, Tensor w, Tensor b, Tensor runningMean, Tensor runningVar, boolean training, float eps);

    /** Returns {gx, gw, gb} for the training-mode (batch statistics) batch norm; gw, gb null when w null. */
    Tensor[] batchNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor invstd, boolean training);

    /**
     * Local response norm across channels as torch.nn.functional.local_response_norm: y = x / s^beta with
     * s = k + alpha/size * sum of x^2 over the size-wide window of channels. Returns {y, s}.
     */
    Tensor[] localResponseNorm(Tensor x, int size, float alpha, float beta, float k);

    Tensor localResponseNormBackward(Tensor gy, Tensor x, Tensor y, Tensor s, int size, float alpha, float beta);

    // ------------------------------------------------------------------ attention

    /**
     * Scaled dot-product attention: q [B, H, Tq, Dk], k [B, H, Tk, Dk], v [B, H, Tk, Dv], mask additive and
     * broadcastable to [B, H, Tq, Tk] or null. P = softmax(scale q k^T + mask); when dropoutP > 0 the
     * values are weighted by dropout(P) with the counter-based mask of {@link #dropout} over P's row-major
     * index and seed. Returns {out [B, H, Tq, Dv], probs P [B, H, Tq, Tk] (before dropout)}.
     */
    Tensor[] attention(Tensor q, Tensor k, Tensor v, Tensor mask, float scale, float dropoutP, long seed);

    /** Returns {gq, gk, gv}; probs, dropoutP and seed as the forward used them. */
    Tensor[] attentionBackward(Tensor gOut, Tensor q, Tensor k, Tensor v, Tensor probs, float scale, float dropoutP, long seed);

    // ------------------------------------------------------------------ optimiser

    /**
     * One Adam/AdamW update in place on param, m and v (all contiguous, same shape as grad), with
     * PyTorch's arithmetic: bias corrections bc1 = 1 - beta1^t, bc2 = 1 - beta2^t; L2 weight decay folded
     * into the gradient when decoupled is false, p *= 1 - lr*wd first when it is true.
     */
    void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                  float weightDecay, boolean decoupled, int step);

    /**
     * Adam's bias corrections for step t, computed in double once per step and handed to every backend's kernel
     * (so that all backends round them alike): stepSize = lr / (1 - beta1^t), bc2Sqrt = sqrt(1 - beta2^t).
     */
    record AdamBias(float stepSize, float bc2Sqrt) {
        public static AdamBias of(float lr, float beta1, float beta2, int step) {
            return new AdamBias((float) (lr / (1.0 - Math.pow(beta1, step))), (float) Math.sqrt(1.0 - Math.pow(beta2, step)));
        }
    }
}
