package io.mater.vision;

import io.mater.engine.Autograd;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.io.SafeTensors;
import io.mater.model.VGGM;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link CropEmbedder} on {@link VGGM}'s 512-d face embedding (mean over H, W of the conv5 ReLU output):
 * each grey crop x in [0, 1] becomes (x - 0.5) / 0.5 replicated into the three input channels. A stand-in
 * until the FER2013 face network lands; only conv1..conv5 and their norms are used (fc6..fc8 may be absent
 * from the weights file).
 */
public final class VGGMCropEmbedder implements CropEmbedder {
    /** Default crop side: 48 px (FER2013's size). */
    public static final int DEFAULT_SIZE = 48;

    private final VGGM net;
    private final int size, dim;
    private final String name;

    public VGGMCropEmbedder(VGGM net, int size, String name) {
        if (size < 32) throw new IllegalArgumentException("VGG-M needs crops of at least 32 px, got " + size);
        this.net = net;
        this.size = size;
        this.name = name;
        net.eval();
        try (var ignored = Autograd.noGrad()) {
            this.dim = net.faceEmbedding(Tensor.zeros(1, 3, size, size)).size(1);
        }
    }

    /** Random (untrained) weights at width 512 / scale: for tests and for shape checks only. */
    public static VGGMCropEmbedder random(int scale, int size, long seed) {
        return new VGGMCropEmbedder(new VGGM(7, false, scale, new Rng(seed)), size, "vggm-random-" + seed + "/" + scale);
    }

    /**
     * Weights from a safetensors file (PyTorch names: conv1.weight, bn49.running_mean, ...); the width
     * scale is read from conv1.weight [96 / scale, 3, 7, 7] and the class count from fc8.weight when present.
     */
    public static VGGMCropEmbedder load(Path file, int size) throws IOException {
        Map<String, Tensor> state = SafeTensors.read(file).tensors();
        var conv1 = state.get("conv1.weight");
        if (conv1 == null || conv1.dim() != 4 || conv1.size(1) != 3 || 96 % conv1.size(0) != 0)
            throw new IOException(file + ": not VGG-M weights (no conv1.weight [96/scale, 3, 7, 7])");
        int scale = 96 / conv1.size(0);
        var fc8 = state.get("fc8.weight");
        var net = new VGGM(fc8 == null ? 7 : fc8.size(0), false, scale, new Rng(0));
        var convOnly = new LinkedHashMap<String, Tensor>();
        for (var e : state.entrySet()) if (!isHead(e.getKey())) convOnly.put(e.getKey(), e.getValue());
        var result = net.loadStateDict(convOnly, false);
        var missing = result.missing().stream().filter(k -> !isHead(k)).toList();
        if (!missing.isEmpty() || !result.wrongShape().isEmpty())
            throw new IOException(file + ": VGG-M weights incomplete: missing " + missing + ", wrong shape " + result.wrongShape());
        return new VGGMCropEmbedder(net, size, "vggm:" + file.getFileName());
    }

    /** fc6..fc8 and their norms: not used for the face embedding. */
    private static boolean isHead(String key) {
        return key.startsWith("fc") || key.startsWith("bn54") || key.startsWith("bn55");
    }

    /** Writes randomly initialised (UNTRAINED) full-width conv1..conv5 and batch-norm weights (no fc layers). */
    public static void writeRandom(Path file, long seed) throws IOException {
        var state = new LinkedHashMap<String, Tensor>();
        for (var e : new VGGM(7, false, 1, new Rng(seed)).stateDict().entrySet())
            if (!isHead(e.getKey())) state.put(e.getKey(), e.getValue());
        SafeTensors.write(file, state, Map.of("note", "untrained VGG-M conv weights, seed " + seed));
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
        int px = size * size;
        var x = new float[count * 3 * px]; // x [count, 3, S, S]
        for (int i = 0; i < count; i++)
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < px; p++) x[(i * 3 + c) * px + p] = (crops[i * px + p] - 0.5f) / 0.5f;
        try (var ignored = Autograd.noGrad()) {
            return net.faceEmbedding(Tensor.of(x, count, 3, size, size)).contiguous().toArray();
        }
    }
}
