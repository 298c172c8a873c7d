package io.mater.model;

import io.mater.engine.Conv2dSpec;
import io.mater.engine.Pool2dSpec;
import io.mater.engine.Pooling;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.nn.BatchNorm2d;
import io.mater.nn.Conv2d;
import io.mater.nn.Layer;
import io.mater.nn.Linear;
import io.mater.nn.LocalResponseNorm;
import io.mater.nn.Module;

/**
 * VGG-M (Chatfield et al. 2014) as in vgg_m_face_bn_fer_dag: conv1 96x7x7/2, bn49, ReLU, max 3x3/2;
 * conv2 256x5x5/2 pad 1, bn50, ReLU, max 3x3/2 (ceil); conv3..conv5 512x3x3 pad 1 with bn51..bn53 and ReLU;
 * pool5 max 3x3/2; fc6 a 6x6 convolution to 4096, bn54, ReLU; fc7 1x1 to 4096, bn55, ReLU; fc8 Linear to the
 * classes. With lrn the batch norms after conv1 and conv2 become LRN (size 5, alpha 5e-4*5, beta 0.75, k 2)
 * and the others are dropped: the original ImageNet VGG-M. Widths are divided by scale.
 */
public final class VGGM extends Module {
    public final boolean lrn;
    private final Conv2d conv1, conv2, conv3, conv4, conv5, fc6, fc7;
    private final Linear fc8;
    private final Layer[] norms = new Layer[7];

    /** The 512-d face embedding (mean over H, W of the conv5 ReLU output), and logits when the input is large
     * enough for fc6 (224 px; null otherwise). */
    public record Output(Tensor face512, Tensor logits) {}

    public VGGM(int classes, boolean lrn, int scale, Rng rng) {
        this.lrn = lrn;
        int c1 = 96 / scale, c2 = 256 / scale, c3 = 512 / scale, f = 4096 / scale;
        conv1 = registerModule("conv1", new Conv2d(3, c1, 7, 7, Conv2dSpec.of(2, 0), true, rng));
        conv2 = registerModule("conv2", new Conv2d(c1, c2, 5, 5, Conv2dSpec.of(2, 1), true, rng));
        conv3 = registerModule("conv3", new Conv2d(c2, c3, 3, 3, Conv2dSpec.of(1, 1), true, rng));
        conv4 = registerModule("conv4", new Conv2d(c3, c3, 3, 3, Conv2dSpec.of(1, 1), true, rng));
        conv5 = registerModule("conv5", new Conv2d(c3, c3, 3, 3, Conv2dSpec.of(1, 1), true, rng));
        fc6 = registerModule("fc6", new Conv2d(c3, f, 6, 6, Conv2dSpec.of(1, 0), true, rng));
        fc7 = registerModule("fc7", new Conv2d(f, f, 1, 1, Conv2dSpec.of(1, 0), true, rng));
        fc8 = registerModule("fc8", new Linear(f, classes, rng));
        if (lrn) {
            var l = new LocalResponseNorm(5, 5e-4f * 5, 0.75f, 2f);
            norms[0] = l;
            norms[1] = l;
        } else {
            int[] widths = {c1, c2, c3, c3, c3, f, f};
            for (int i = 0; i < 7; i++) norms[i] = registerModule("bn" + (49 + i), new BatchNorm2d(widths[i]));
        }
    }

    private Tensor norm(int i, Tensor x) {
        return norms[i] == null ? x : norms[i].forward(x);
    }

    /** x [N, 3, H, W]. */
    public Output forward(Tensor x) {
        Tensor conv = conv5(x);
        Tensor face = conv.mean(new int[] {2, 3}, false);
        Tensor logits = null;
        Tensor p5 = Pooling.maxPool2d(conv, Pool2dSpec.of(3, 2));
        if (p5.size(2) >= 6 && p5.size(3) >= 6) {
            Tensor h = norm(5, fc6.forward(p5)).relu();
            h = norm(6, fc7.forward(h)).relu();
            logits = fc8.forward(h.flatten(1, -1));
        }
        return new Output(face, logits);
    }

    /** The 512-d face embedding: mean over H and W of the conv5 ReLU output. */
    public Tensor faceEmbedding(Tensor x) {
        return conv5(x).mean(new int[] {2, 3}, false);
    }

    /** The conv5 ReLU output [N, 512, h, w]. */
    public Tensor conv5(Tensor x) {
        if (x.dim() != 4 || x.size(1) != 3)
            throw new IllegalArgumentException("VGG-M expects images [N, 3, H, W], got " + io.mater.engine.Shape.str(x.shape()));
        Tensor h = Pooling.maxPool2d(norm(0, conv1.forward(x)).relu(), Pool2dSpec.of(3, 2));
        h = Pooling.maxPool2d(norm(1, conv2.forward(h)).relu(), new Pool2dSpec(3, 3, 2, 2, 0, 0, true));
        h = norm(2, conv3.forward(h)).relu();
        h = norm(3, conv4.forward(h)).relu();
        return norm(4, conv5.forward(h)).relu();
    }
}
