package io.mater.engine;

import static io.mater.engine.GradCheck.check;
import static io.mater.engine.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Convolution, pooling, batch norm and local response norm, gradient-checked by central differences. */
class ConvGradientTest {

    /** Distinct values spaced 0.1 apart in random order, so no pooling window has a near tie. */
    static Tensor distinct(long seed, int... shape) {
        int n = Shape.numelInt(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2) * 0.1f;
        var rng = new Rng(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = (int) (rng.nextFloat() * (i + 1));
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape);
    }

    static Conv2dSpec spec(int stride, int pad, int dilation, int groups) {
        return new Conv2dSpec(stride, stride, pad, pad, dilation, dilation, groups);
    }

    static void checkConv(String what, Conv2dSpec s, int[] xShape, int[] wShape, boolean bias) {
        Tensor x = randn(1, xShape), w = randn(2, wShape).mul(0.5f);
        if (bias) check(what, t -> Convolution.conv2d(t[0], t[1], t[2], s), x, w, randn(3, wShape[0]));
        else check(what, t -> Convolution.conv2d(t[0], t[1], null, s), x, w);
    }

    @Test
    void conv2dPlain() {
        checkConv("conv 3x2 kernel on 7x5", spec(1, 0, 1, 1), new int[] {2, 3, 7, 5}, new int[] {4, 3, 3, 2}, true);
        checkConv("conv 1x1", spec(1, 0, 1, 1), new int[] {2, 5, 3, 4}, new int[] {3, 5, 1, 1}, false);
        checkConv("conv 1 input channel", spec(1, 1, 1, 1), new int[] {2, 1, 5, 4}, new int[] {3, 1, 3, 3}, true);
    }

    @Test
    void conv2dStridePaddingDilation() {
        checkConv("conv stride 2 pad 1", spec(2, 1, 1, 1), new int[] {2, 3, 7, 6}, new int[] {4, 3, 3, 3}, true);
        checkConv("conv 5x5 stride 2 pad 1 (VGG-M conv2)", spec(2, 1, 1, 1), new int[] {1, 2, 9, 8}, new int[] {3, 2, 5, 5}, true);
        checkConv("conv dilation 2 pad 2", spec(1, 2, 2, 1), new int[] {1, 2, 7, 7}, new int[] {3, 2, 3, 2}, false);
        checkConv("conv 1x1 stride 2", spec(2, 0, 1, 1), new int[] {2, 3, 5, 6}, new int[] {2, 3, 1, 1}, true);
        var asym = new Conv2dSpec(2, 1, 0, 2, 1, 3, 1);
        checkConv("conv asymmetric stride/pad/dilation", asym, new int[] {1, 2, 7, 5}, new int[] {2, 2, 2, 3}, true);
    }

    @Test
    void conv2dGroups() {
        checkConv("conv groups 2", spec(1, 1, 1, 2), new int[] {2, 4, 5, 6}, new int[] {6, 2, 3, 3}, true);
        checkConv("conv depthwise", spec(1, 1, 1, 3), new int[] {2, 3, 6, 5}, new int[] {3, 1, 3, 3}, true);
        checkConv("conv depthwise x2 stride 2", spec(2, 1, 1, 3), new int[] {2, 3, 7, 5}, new int[] {6, 1, 3, 2}, false);
        checkConv("conv depthwise dilation 2", spec(1, 2, 2, 2), new int[] {1, 2, 6, 6}, new int[] {2, 1, 3, 3}, true);
    }

    @Test
    void conv2dBatchedImagesAndStridedInput() {
        // 8x8 outputs: several images share one GEMM block, and 6 images leave a partial block
        checkConv("conv image blocks", spec(1, 1, 1, 1), new int[] {6, 2, 8, 8}, new int[] {3, 2, 3, 3}, true);
        Tensor x = randn(4, 2, 5, 6, 3).permute(0, 3, 1, 2), w = randn(5, 4, 3, 2, 2).mul(0.5f);
        check("conv of permuted input", t -> Convolution.conv2d(t[0], t[1], null, spec(1, 0, 1, 1)), x, w);
    }

    @Test
    void maxPool() {
        check("max_pool 2x2/2", t -> Pooling.maxPool2d(t[0], 2, 2), distinct(1, 2, 3, 6, 4));
        check("max_pool 3x3/2 ceil (VGG-M pool2)", t -> Pooling.maxPool2d(t[0], new Pool2dSpec(3, 3, 2, 2, 0, 0, true)), distinct(2, 2, 2, 10, 10));
        check("max_pool 3x2 pad 1 ceil", t -> Pooling.maxPool2d(t[0], new Pool2dSpec(3, 2, 2, 1, 1, 1, true)), distinct(3, 1, 3, 7, 5));
        check("max_pool overlapping stride 1", t -> Pooling.maxPool2d(t[0], new Pool2dSpec(3, 3, 1, 1, 1, 1, false)), distinct(4, 1, 2, 5, 6));
        check("max_pool of permuted", t -> Pooling.maxPool2d(t[0], 2, 2), distinct(5, 2, 4, 6, 3).permute(0, 3, 1, 2));
    }

    @Test
    void avgPool() {
        check("avg_pool 2x2/2", t -> Pooling.avgPool2d(t[0], Pool2dSpec.of(2, 2)), randn(1, 2, 3, 6, 5));
        check("avg_pool 3x3/2 pad 1", t -> Pooling.avgPool2d(t[0], new Pool2dSpec(3, 3, 2, 2, 1, 1, false)), randn(2, 1, 2, 7, 6));
        check("avg_pool 3x3/2 pad 1 ceil", t -> Pooling.avgPool2d(t[0], new Pool2dSpec(3, 3, 2, 2, 1, 1, true)), randn(3, 1, 2, 6, 6));
        check("avg_pool 2x3 stride 3x1 ceil", t -> Pooling.avgPool2d(t[0], new Pool2dSpec(2, 3, 3, 1, 0, 1, true)), randn(4, 2, 1, 7, 5));
        check("global avg pool", t -> Pooling.globalAvgPool2d(t[0]), randn(5, 2, 3, 4, 5));
    }

    @Test
    void batchNormTraining() {
        Tensor rm = Tensor.zeros(3), rv = Tensor.ones(3);
        check("batch_norm train affine", t -> Normalization.batchNorm(t[0], rm, rv, t[1], t[2], true, 0.1f, 1e-5f),
                randn(1, 4, 3, 3, 2), randn(2, 3).add(1f), randn(3, 3));
        check("batch_norm train no affine", t -> Normalization.batchNorm(t[0], null, null, null, null, true, 0.1f, 1e-5f),
                randn(4, 3, 2, 5, 3));
        check("batch_norm train [N, C]", t -> Normalization.batchNorm(t[0], null, null, t[1], t[2], true, 0.1f, 1e-5f),
                randn(5, 6, 4), randn(6, 4), randn(7, 4));
    }

    @Test
    void batchNormEval() {
        Tensor rm = randn(1, 3), rv = Tensor.uniform(new Rng(2), 0.5f, 2f, 3);
        check("batch_norm eval affine", t -> Normalization.batchNorm(t[0], rm, rv, t[1], t[2], false, 0.1f, 1e-5f),
                randn(3, 2, 3, 3, 4), randn(4, 3), randn(5, 3));
        check("batch_norm eval no affine", t -> Normalization.batchNorm(t[0], rm, rv, null, null, false, 0.1f, 1e-5f),
                randn(6, 2, 3, 2, 2));
    }

    @Test
    void localResponseNorm() {
        check("lrn size 5 (VGG-M)", t -> Normalization.localResponseNorm(t[0], 5, 5e-4f * 5, 0.75f, 2f), randn(1, 2, 7, 3, 4));
        check("lrn size 3 strong", t -> Normalization.localResponseNorm(t[0], 3, 0.9f, 0.75f, 1f), randn(2, 2, 6, 3, 3));
        check("lrn size 4 beta 0.5", t -> Normalization.localResponseNorm(t[0], 4, 0.6f, 0.5f, 1.5f), randn(3, 1, 7, 2, 5));
        check("lrn 3-d input", t -> Normalization.localResponseNorm(t[0], 2, 0.5f, 0.75f, 1f), randn(4, 2, 5, 9));
    }

    @Test
    void badShapesAreNamed() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Convolution.conv2d(Tensor.zeros(2, 3, 5, 5), Tensor.zeros(4, 2, 3, 3), null, spec(1, 0, 1, 1)));
        assertTrue(e.getMessage().contains("[2, 3, 5, 5]") && e.getMessage().contains("[4, 2, 3, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Convolution.conv2d(Tensor.zeros(1, 2, 2, 2), Tensor.zeros(4, 2, 3, 3), null, spec(1, 0, 1, 1)));
        assertTrue(e.getMessage().contains("[1, 2, 2, 2]") && e.getMessage().contains("3x3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Convolution.conv2d(Tensor.zeros(1, 2, 5, 5), Tensor.zeros(4, 2, 3, 3), Tensor.zeros(3), spec(1, 0, 1, 1)));
        assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("[3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Convolution.conv2d(Tensor.zeros(2, 4, 5, 5), Tensor.zeros(3, 2, 3, 3), null, spec(1, 0, 1, 2)));
        assertTrue(e.getMessage().contains("groups=2") && e.getMessage().contains("[3, 2, 3, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(Tensor.zeros(3, 5, 5), Tensor.zeros(4, 3, 3, 3), null, spec(1, 0, 1, 1)));
        assertTrue(e.getMessage().contains("[3, 5, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pooling.maxPool2d(Tensor.zeros(1, 2, 2, 5), 3, 2));
        assertTrue(e.getMessage().contains("[1, 2, 2, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pooling.avgPool2d(Tensor.zeros(4, 4), Pool2dSpec.of(2, 2)));
        assertTrue(e.getMessage().contains("[4, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Normalization.batchNorm(Tensor.zeros(2, 3, 4, 4), null, null, Tensor.ones(4), null, true, 0.1f, 1e-5f));
        assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("[2, 3, 4, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Normalization.batchNorm(Tensor.zeros(1, 3, 1, 1), null, null, null, null, true, 0.1f, 1e-5f));
        assertTrue(e.getMessage().contains("[1, 3, 1, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Normalization.localResponseNorm(Tensor.zeros(3, 4), 5, 1e-4f, 0.75f, 2f));
        assertTrue(e.getMessage().contains("[3, 4]"), e.getMessage());
    }
}
