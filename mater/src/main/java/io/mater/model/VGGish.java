package io.mater.model;

import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.nn.Activation;
import io.mater.nn.Conv2d;
import io.mater.nn.Linear;
import io.mater.nn.MaxPool2d;
import io.mater.nn.Module;
import io.mater.nn.Sequential;

/**
 * VGGish in torchvggish's layout: {@code features.{0,3,6,8,11,13}} are 3x3 convolutions (padding 1) with ReLU,
 * 2x2 max pools after conv1, conv2, conv3_2 and conv4_2; {@code embeddings.{0,2,4}} are the fully connected
 * layers 12288 -> 4096 -> 4096 -> 128. Input: log-mel examples [N, 1, frames, 64]. Widths are divided by
 * scale (small test models keep the real structure).
 */
public final class VGGish extends Module {
    public final int scale;
    private final Sequential features, embeddings;

    /** The 512-d window embedding (mean over H and W of the conv4_2 ReLU output), and the 128-d AudioSet
     * embedding (only for 96-frame examples; null otherwise). */
    public record Output(Tensor window512, Tensor embedding) {}

    public VGGish(int scale, Rng rng) {
        this(scale, rng, true);
    }

    /**
     * Without embeddings only the convolutional {@code features} exist (all the 512-d window embedding needs);
     * the features draw the same random numbers either way.
     */
    public VGGish(int scale, Rng rng, boolean withEmbeddings) {
        if (scale < 1 || 64 % scale != 0) throw new IllegalArgumentException("VGGish scale must divide 64, got " + scale);
        this.scale = scale;
        features = registerModule("features", new Sequential());
        int c = 1;
        for (int v : new int[] {64, -1, 128, -1, 256, 256, -1, 512, 512, -1}) {
            if (v < 0) {
                features.add(new MaxPool2d(2, 2));
            } else {
                features.add(new Conv2d(c, v / scale, 3, 1, 1, rng));
                features.add(Activation.relu());
                c = v / scale;
            }
        }
        int fc = 4096 / scale;
        embeddings = !withEmbeddings ? null : registerModule("embeddings", new Sequential(new Linear(c * 4 * 6, fc, rng), Activation.relu(),
                new Linear(fc, fc, rng), Activation.relu(), new Linear(fc, 128, rng)));
    }

    /** x [N, 1, frames, 64] with frames >= 8. */
    public Output forward(Tensor x) {
        if (x.dim() != 4 || x.size(1) != 1 || x.size(3) != 64 || x.size(2) < 8)
            throw new IllegalArgumentException("VGGish expects log-mel [N, 1, frames >= 8, 64], got " + io.mater.engine.Shape.str(x.shape()));
        Tensor conv = features.forward(x, 0, features.size() - 1);
        Tensor window = conv.mean(new int[] {2, 3}, false);
        Tensor embedding = null;
        if (x.size(2) == 96 && embeddings != null) {
            Tensor pooled = features.forward(conv, features.size() - 1, features.size()); // [N, 512, 6, 4]
            Tensor flat = pooled.permute(0, 2, 3, 1).reshape(x.size(0), -1);
            embedding = embeddings.forward(flat);
        }
        return new Output(window, embedding);
    }

    /** The window embedding only (the part MATER uses); the fully connected layers are not run. */
    public Tensor windowEmbedding(Tensor x) {
        if (x.dim() != 4 || x.size(1) != 1 || x.size(3) != 64 || x.size(2) < 8)
            throw new IllegalArgumentException("VGGish expects log-mel [N, 1, frames >= 8, 64], got " + io.mater.engine.Shape.str(x.shape()));
        return features.forward(x, 0, features.size() - 1).mean(new int[] {2, 3}, false);
    }
}
