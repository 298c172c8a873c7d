package io.mater.vision;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Maps grey face crops of {@link #size()} x {@link #size()} pixels, values in [0, 1] (as {@link FaceCrop} cuts
 * them with its default scale), to embeddings of {@link #dim()} floats. Implementations normalise the pixels
 * themselves, are deterministic and are safe to call from several threads.
 */
public interface CropEmbedder {
    /** Crop side S in pixels. */
    int size();

    /** Embedding size D. */
    int dim();

    /** A short name for logs and embedding-store metadata. */
    String name();

    /** crops [count, S, S] (row-major, values in [0, 1]) -> [count, D]. */
    float[] embed(float[] crops, int count);

    /**
     * The embedder a command-line spec names: {@code vggm:PATH}. A file written by {@code face train} (its
     * metadata records {@code conv1_stride}) gives a {@link FaceNetCropEmbedder}; any other file is read as
     * VGG-M conv weights under PyTorch's names (a {@link VGGMCropEmbedder}).
     */
    static CropEmbedder parse(String spec) throws IOException {
        if (spec.startsWith("vggm:") && spec.length() > 5) {
            var file = Path.of(spec.substring(5));
            if (!Files.isRegularFile(file)) throw new FileNotFoundException("video embedder " + spec + ": no such file " + file);
            boolean faceNet;
            try (var header = io.mater.engine.io.SafeTensors.open(file)) { // the header only, not the weights
                faceNet = header.metadata().containsKey("conv1_stride");
            }
            if (faceNet) return FaceNetCropEmbedder.load(file);
            return VGGMCropEmbedder.load(file, VGGMCropEmbedder.DEFAULT_SIZE);
        }
        throw new IllegalArgumentException("video embedder must be 'vggm:PATH', got '" + spec + "'");
    }

    /** Checks the argument shapes of {@link #embed}. */
    default void check(float[] crops, int count) {
        if (count < 0 || crops.length != count * size() * size())
            throw new IllegalArgumentException(name() + ": " + count + " crops of " + size() + " x " + size() + " need "
                    + (long) count * size() * size() + " floats, got " + crops.length);
    }
}
