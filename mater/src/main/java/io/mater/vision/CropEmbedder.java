package io.mater.vision;

import io.mater.face.FaceModel;
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
     * The embedder a command-line spec names: {@code vggm:PATH}. The layout is told from conv1.weight's shape
     * ({@link FaceModel#layout}, the header only): a file written by {@code face train} (1 input channel) gives
     * a {@link FaceNetCropEmbedder} (48 px crops); weights in mater_ref.py's vggm layout (3 input channels)
     * give a {@link VGGMCropEmbedder} (96 px crops unless the file's metadata sets input_size).
     */
    static CropEmbedder parse(String spec) throws IOException {
        if (spec.startsWith("vggm:") && spec.length() > 5) {
            var file = Path.of(spec.substring(5));
            if (!Files.isRegularFile(file)) throw new FileNotFoundException("video embedder " + spec + ": no such file " + file);
            return switch (FaceModel.layout(file)) {
                case FACENET -> FaceNetCropEmbedder.load(file);
                case VGGM_REF -> VGGMCropEmbedder.load(file);
            };
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
