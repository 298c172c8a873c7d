package io.mater.vision;

import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.io.SafeTensors;
import io.mater.face.VggmFace;
import io.mater.model.VGGM;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link CropEmbedder} on VGG-M weights in mater_ref.py's {@code vggm} layout ({@link VggmFace}): the 512-d
 * face embedding (mean over H, W of the conv5 ReLU output) of each grey crop x in [0, 1], normalised as
 * (x - mean) / std (0.5 and 0.5 unless the file's metadata says otherwise) and replicated into the three input
 * channels. Only conv1..conv5 and their norms are used (fc6..fc8 may be absent from the weights file).
 */
public final class VGGMCropEmbedder implements CropEmbedder {
    /** Crop side of {@link #writeRandom}'s files and of the tests' random embedders: 48 px (FER2013's size). */
    public static final int DEFAULT_SIZE = 48;

    private final VggmFace face;
    private final int size, dim;
    private final String name;

    public VGGMCropEmbedder(VggmFace face, int size, String name) {
        if (size < 32) throw new IllegalArgumentException("VGG-M needs crops of at least 32 px, got " + size);
        this.face = face;
        this.size = size;
        this.name = name;
        this.dim = face.embeddingSize();
    }

    /** net with the default normalisation (x - 0.5) / 0.5 at crop side size. */
    public VGGMCropEmbedder(VGGM net, int size, String name) {
        this(new VggmFace(net, List.of(), size, 0.5f, 0.5f), size, name);
    }

    /** Random (untrained) weights at width 512 / scale: for tests and for shape checks only. */
    public static VGGMCropEmbedder random(int scale, int size, long seed) {
        return new VGGMCropEmbedder(new VGGM(7, false, scale, new Rng(seed)), size, "vggm-random-" + seed + "/" + scale);
    }

    /**
     * Weights from a safetensors file in mater_ref.py's vggm layout (see {@link VggmFace#load}); crops of the
     * side the file's metadata gives as {@code input_size}, else {@value VggmFace#DEFAULT_EMBED_SIZE} px.
     */
    public static VGGMCropEmbedder load(Path file) throws IOException {
        var face = VggmFace.load(file);
        return new VGGMCropEmbedder(face, face.embedSize(), "vggm:" + file.getFileName());
    }

    /** As {@link #load(Path)}, at crop side size whatever the file says. */
    public static VGGMCropEmbedder load(Path file, int size) throws IOException {
        return new VGGMCropEmbedder(VggmFace.load(file), size, "vggm:" + file.getFileName());
    }

    /**
     * Writes randomly initialised (UNTRAINED) full-width conv1..conv5 and batch-norm weights (no fc layers);
     * its metadata sets input_size 48 (small crops: these weights are for plumbing checks only).
     */
    public static void writeRandom(Path file, long seed) throws IOException {
        var state = new LinkedHashMap<String, Tensor>();
        for (var e : new VGGM(7, false, 1, new Rng(seed)).stateDict().entrySet())
            if (!isHead(e.getKey())) state.put(e.getKey(), e.getValue());
        SafeTensors.write(file, state, Map.of("note", "untrained VGG-M conv weights, seed " + seed, "input_size", Integer.toString(DEFAULT_SIZE)));
    }

    private static boolean isHead(String key) {
        return key.startsWith("fc") || key.startsWith("bn54") || key.startsWith("bn55");
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public float[] embed(float[] crops, int count) {
        check(crops, count);
        if (count == 0) return new float[0];
        return face.embeddingsAt(crops, count, size);
    }
}
