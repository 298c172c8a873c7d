package io.mater.audio;

import io.mater.engine.Autograd;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.io.SafeTensors;
import io.mater.model.VGGish;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * VGGish as an {@link AudioEmbedder}: the 512-d window embedding of mater_ref.py's VGGish ({@code window512}:
 * the mean over time and frequency of the conv4_2 ReLU output, before the last pool), l2-normalised as the
 * paper does. Weights come from a safetensors file under PyTorch's names ({@code features.0.weight} ...
 * {@code features.13.bias}); the fully connected {@code embeddings.*} are not used and may be absent.
 *
 * <p>No pretrained VGGish ships with this project: {@link #writeRandom} writes randomly initialised
 * weights, marked {@code "trained": "false"} in the file's metadata, so the pipeline can run end to end.
 * Embeddings of such weights are random conv features, not VGGish's.
 */
public final class VGGishEmbedder implements AudioEmbedder {
    private final VGGish net;
    private final String name;
    private final boolean trained;

    private VGGishEmbedder(VGGish net, String name, boolean trained) {
        this.net = net;
        this.name = name;
        this.trained = trained;
    }

    /** Loads the conv weights of a VGGish file; every missing or misshapen features.* tensor is an error naming the file. */
    public static VGGishEmbedder load(Path file) throws IOException {
        var contents = SafeTensors.read(file);
        var state = new LinkedHashMap<String, Tensor>();
        for (var e : contents.tensors().entrySet()) if (e.getKey().startsWith("features.")) state.put(e.getKey(), e.getValue());
        if (state.isEmpty())
            throw new IOException(file + ": no VGGish weights (expected tensors features.0.weight ... features.13.bias under PyTorch's names)");
        var net = new VGGish(1, new Rng(0), false);
        var result = net.loadStateDict(state, false);
        var missing = result.missing().stream().filter(k -> k.startsWith("features.")).toList();
        if (!missing.isEmpty() || !result.wrongShape().isEmpty() || !result.unexpected().isEmpty())
            throw new IOException(file + ": not a VGGish state dict: " + new io.mater.nn.Module.LoadResult(missing, result.unexpected(), result.wrongShape()));
        net.eval();
        boolean trained = !"false".equals(contents.metadata().get("trained"));
        return new VGGishEmbedder(net, "vggish-512" + (trained ? "" : "-untrained"), trained);
    }

    /**
     * Writes randomly initialised VGGish conv weights (features.* only, PyTorch names, the engine's default
     * initialisation with this seed) to file, marked untrained in the metadata.
     */
    public static void writeRandom(Path file, long seed) throws IOException {
        var net = new VGGish(1, new Rng(seed), false);
        var state = new LinkedHashMap<String, Tensor>();
        for (var e : net.stateDict().entrySet()) if (e.getKey().startsWith("features.")) state.put(e.getKey(), e.getValue());
        SafeTensors.write(file, state, Map.of("model", "vggish", "trained", "false", "init_seed", Long.toString(seed),
                "note", "randomly initialised VGGish conv layers (not pretrained); features.* only"));
    }

    public boolean trained() {
        return trained;
    }

    @Override
    public int dim() {
        return 512;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public float[] embed(float[] patch, int frames, int bands) {
        return embedAll(patch, 1, frames, bands);
    }

    /** All patches of a clip in one batch: [count, frames, 64] -> [count, 512], each row l2-normalised. */
    @Override
    public float[] embedAll(float[] patches, int count, int frames, int bands) {
        if (bands != LogMel.BANDS) throw new IllegalArgumentException(name + " expects " + LogMel.BANDS + " bands, got " + bands);
        if (frames < 8) throw new IllegalArgumentException(name + " needs patches of at least 8 frames, got " + frames);
        if (patches.length != count * frames * bands)
            throw new IllegalArgumentException(name + ": " + count + " patches of " + frames + " x " + bands + " need " + count * frames * bands
                    + " floats, got " + patches.length);
        float[] out;
        try (var ignored = Autograd.noGrad()) {
            out = net.windowEmbedding(Tensor.of(patches.clone(), count, 1, frames, bands)).contiguous().toArray(); // [count, 512]
        }
        for (int i = 0; i < count; i++) AudioEmbedder.l2Normalize(out, i * 512, 512);
        return out;
    }
}
