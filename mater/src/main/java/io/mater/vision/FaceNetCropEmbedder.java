package io.mater.vision;

import io.mater.engine.Autograd;
import io.mater.engine.Tensor;
import io.mater.face.FaceNet;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The paper's face embedder: the FER2013-trained {@link FaceNet} ({@code face train}), 48 x 48 grey crops
 * normalised with the pixel statistics its file records, embedded as the mean over H and W of its conv5 ReLU
 * output (512-d).
 */
public final class FaceNetCropEmbedder implements CropEmbedder {
    private final FaceNet net;
    private final String name;

    public FaceNetCropEmbedder(FaceNet net, String name) {
        this.net = net;
        this.name = name;
        net.eval();
    }

    public static FaceNetCropEmbedder load(Path file) throws IOException {
        return new FaceNetCropEmbedder(FaceNet.load(file), "facenet:" + file.getFileName());
    }

    @Override public int size() { return net.inputSize(); }
    @Override public int dim() { return net.embeddingSize(); }
    @Override public String name() { return name; }

    @Override
    public float[] embed(float[] crops, int count) {
        check(crops, count);
        if (count == 0) return new float[0];
        int s = size();
        try (var ignored = Autograd.noGrad()) {
            // x [count, 1, S, S] normalised as in training
            return net.embed(Tensor.of(net.normalise(crops), count, 1, s, s)).contiguous().toArray();
        }
    }
}
