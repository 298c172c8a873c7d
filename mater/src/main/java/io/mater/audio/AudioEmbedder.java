package io.mater.audio;

/**
 * Maps one log-mel patch [frames, bands] (row-major, as {@link TimeWindows} cuts them) to an embedding of
 * {@link #dim()} floats. Implementations: {@link BandStatsEmbedder} (weight-free), VGGish (pretrained
 * weights). Implementations must be deterministic and safe to call from several threads.
 */
public interface AudioEmbedder {
    /**
     * The embedder a command-line spec names: {@code bandstats} ({@link BandStatsEmbedder}) or
     * {@code vggish:PATH} ({@link VGGishEmbedder} with weights from a safetensors file).
     */
    static AudioEmbedder parse(String spec) throws java.io.IOException {
        if (spec.equals("bandstats") || spec.equals("band-stats")) return new BandStatsEmbedder();
        if (spec.startsWith("vggish:") && spec.length() > 7) {
            var file = java.nio.file.Path.of(spec.substring(7));
            if (!java.nio.file.Files.isRegularFile(file))
                throw new java.io.FileNotFoundException("audio embedder " + spec + ": no such file " + file
                        + " (make untrained weights with: mater embed --init-vggish FILE --seed N)");
            return VGGishEmbedder.load(file);
        }
        throw new IllegalArgumentException("audio embedder must be 'bandstats' or 'vggish:PATH', got '" + spec + "'");
    }

    /** Embedding size D. */
    int dim();

    /** A short name for logs and embedding-store metadata, e.g. "band-stats-512". */
    String name();

    /** Embedding of one patch: [frames, bands] -> [dim]. */
    float[] embed(float[] patch, int frames, int bands);

    /** Embeddings of count patches laid end to end: [count, frames, bands] -> [count, dim]. */
    default float[] embedAll(float[] patches, int count, int frames, int bands) {
        int size = frames * bands, d = dim();
        if (patches.length != count * size)
            throw new IllegalArgumentException(name() + ": " + count + " patches of " + frames + " x " + bands + " need "
                    + count * size + " floats, got " + patches.length);
        var out = new float[count * d];
        var patch = new float[size];
        for (int i = 0; i < count; i++) {
            System.arraycopy(patches, i * size, patch, 0, size);
            System.arraycopy(embed(patch, frames, bands), 0, out, i * d, d);
        }
        return out;
    }

    /**
     * Scales v[offset, offset + length) to unit Euclidean norm in place: v / max(||v||, 1e-12), so an
     * all-zero vector stays zero (as torch.nn.functional.normalize does). The norm is summed in double.
     */
    static void l2Normalize(float[] v, int offset, int length) {
        double ss = 0;
        for (int i = offset; i < offset + length; i++) ss += (double) v[i] * v[i];
        double scale = 1.0 / Math.max(Math.sqrt(ss), 1e-12);
        for (int i = offset; i < offset + length; i++) v[i] = (float) (v[i] * scale);
    }

    /** {@link #l2Normalize(float[], int, int)} over the whole array. */
    static void l2Normalize(float[] v) {
        l2Normalize(v, 0, v.length);
    }
}
