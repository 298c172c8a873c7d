package io.mater.face;

import io.mater.engine.Autograd;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import io.mater.engine.io.SafeTensors;
import io.mater.model.VGGM;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * VGG-M weights in mater_ref.py's {@code vggm} layout ({@link VGGM}: RGB conv1 7x7 stride 2, PyTorch names
 * conv1..conv5, bn49..bn53 and the head fc6 (6x6 conv), bn54, fc7 (1x1 conv), bn55, fc8 Linear), as a
 * {@link FaceModel} on grey crops.
 *
 * <p>What the file says, from its tensors: the widths (conv1.weight [96/s, 3, 7, 7] gives the width divisor
 * s; every other tensor must then have {@link VGGM}'s shape at s), batch norm or the original LRN (no bn49),
 * and whether it has the head (fc6, fc7, fc8 all present: classes = fc8.weight's rows; none present: an
 * embedder only; some: an error). From its metadata, when present: {@code input_size} (embedding crop side,
 * default 96, where conv5 is 5x5), {@code pixel_mean}/{@code pixel_std} (on the [0, 1] grey scale, default 0.5
 * and 0.5: x -> (x - 0.5) / 0.5 in [-1, 1]) and {@code classes} (comma-separated; default FER2013's seven in
 * folder order when fc8 has 7 rows). A grey crop goes into all three input channels. The head is a 6x6
 * convolution over pool5, so classification takes 224 x 224 crops (pool5 is then 6x6).
 */
public final class VggmFace implements FaceModel {
    /** Crop side for the embedding when the file does not say (mater_ref.py: conv5 5x5 at 96 px). */
    public static final int DEFAULT_EMBED_SIZE = 96;
    /** Crop side for the head: pool5 is 6x6, fc6's kernel. */
    public static final int HEAD_SIZE = 224;

    private static final List<String> HEAD_PREFIXES = List.of("fc6.", "fc7.", "fc8.", "bn54.", "bn55.");

    private final VGGM net;
    private final int scale, embedSize;
    private final boolean lrn;
    private final List<String> classes;
    private final float pixelMean, pixelStd;

    /** classes empty: no head (the network's head weights are then not used). */
    public VggmFace(VGGM net, List<String> classes, int embedSize, float pixelMean, float pixelStd) {
        if (embedSize < 32) throw new IllegalArgumentException("VGG-M needs crops of at least 32 px, got " + embedSize);
        if (!(pixelStd > 0) || !Float.isFinite(pixelMean)) throw new IllegalArgumentException("pixel std must be > 0 and mean finite, got " + pixelMean + ", " + pixelStd);
        this.net = net;
        this.scale = 96 / net.stateDict().get("conv1.weight").size(0);
        this.lrn = net.lrn;
        this.classes = List.copyOf(classes);
        this.embedSize = embedSize;
        this.pixelMean = pixelMean;
        this.pixelStd = pixelStd;
        net.eval();
    }

    /** Random (untrained) weights at width 512 / scale, no head: for tests and shape checks only. */
    public static VggmFace random(int scale, int embedSize, long seed) {
        return new VggmFace(new VGGM(7, false, scale, new Rng(seed)), List.of(), embedSize, 0.5f, 0.5f);
    }

    /** Reads a file in mater_ref.py's vggm layout (see the class comment for what is read from it). */
    public static VggmFace load(Path file) throws IOException {
        var contents = SafeTensors.read(file);
        Map<String, Tensor> state = contents.tensors();
        Map<String, String> meta = contents.metadata();
        var conv1 = state.get("conv1.weight");
        if (conv1 == null || conv1.dim() != 4 || conv1.size(1) != 3 || conv1.size(2) != 7 || conv1.size(3) != 7)
            throw new IOException(file + ": not mater_ref.py's vggm layout (expected conv1.weight [96/s, 3, 7, 7], got "
                    + (conv1 == null ? "none" : Arrays.toString(conv1.shape())) + ")");
        int c1 = conv1.size(0);
        if (c1 < 1 || 96 % c1 != 0)
            throw new IOException(file + ": conv1.weight has " + c1 + " output channels; the vggm layout has 96 / s for a whole s (96, 48, 32, 24, ...)");
        int scale = 96 / c1;
        boolean lrn = !state.containsKey("bn49.weight");
        long headParts = List.of("fc6.weight", "fc7.weight", "fc8.weight").stream().filter(state::containsKey).count();
        if (headParts != 0 && headParts != 3)
            throw new IOException(file + ": has only part of the vggm head (fc6.weight, fc7.weight, fc8.weight must all be present or all absent)");
        boolean head = headParts == 3;
        int k = head ? state.get("fc8.weight").size(0) : 7;
        var net = new VGGM(k, lrn, scale, new Rng(0));
        var use = new LinkedHashMap<String, Tensor>();
        for (var e : state.entrySet()) if (head || !isHead(e.getKey())) use.put(e.getKey(), e.getValue());
        var r = net.loadStateDict(use, false);
        var missing = r.missing().stream().filter(n -> head || !isHead(n)).toList();
        if (!missing.isEmpty() || !r.wrongShape().isEmpty() || !r.unexpected().isEmpty())
            throw new IOException(file + ": does not fit mater_ref.py's vggm layout at width 1/" + scale + (lrn ? " with LRN" : " with batch norm")
                    + (head ? " and a " + k + "-class head" : " without a head") + ": missing " + missing + ", wrong shape " + r.wrongShape()
                    + ", unexpected " + r.unexpected());
        List<String> classes = List.of();
        if (head) {
            String named = meta.get("classes");
            if (named != null && !named.isBlank()) classes = Arrays.asList(named.split(","));
            else if (k == FaceNet.FER_CLASSES.size()) classes = FaceNet.FER_CLASSES;
            else {
                var generic = new String[k];
                for (int i = 0; i < k; i++) generic[i] = "class" + i;
                classes = List.of(generic);
            }
            if (classes.size() != k)
                throw new IOException(file + ": metadata classes lists " + classes.size() + " names but fc8.weight has " + k + " rows");
        }
        int size;
        float mean, std;
        try {
            size = Integer.parseInt(meta.getOrDefault("input_size", Integer.toString(DEFAULT_EMBED_SIZE)));
            mean = Float.parseFloat(meta.getOrDefault("pixel_mean", "0.5"));
            std = Float.parseFloat(meta.getOrDefault("pixel_std", "0.5"));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": metadata input_size / pixel_mean / pixel_std is not a number: " + e.getMessage());
        }
        try {
            return new VggmFace(net, classes, size, mean, std);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    /** fc6..fc8 and their norms. */
    static boolean isHead(String key) {
        return HEAD_PREFIXES.stream().anyMatch(key::startsWith);
    }

    /** The underlying network. */
    public VGGM network() {
        return net;
    }

    /** Width divisor (1 = the full network). */
    public int widthScale() {
        return scale;
    }

    public boolean lrn() {
        return lrn;
    }

    public float pixelMean() {
        return pixelMean;
    }

    public float pixelStd() {
        return pixelStd;
    }

    @Override public List<String> classes() { return classes; }
    @Override public int classifySize() { return HEAD_SIZE; }
    @Override public int embedSize() { return embedSize; }
    @Override public int embeddingSize() { return 512 / scale; }

    /** Grey crops [count, S, S] on [0, 1] -> network input [count, 3, S, S]: (x - mean) / std in each channel. */
    public Tensor input(float[] grey01, int count, int size) {
        int px = size * size;
        if (count < 0 || grey01.length != count * px)
            throw new IllegalArgumentException(count + " crops of " + size + " x " + size + " need " + (long) count * px + " floats, got " + grey01.length);
        var x = new float[count * 3 * px];
        float inv = 1f / pixelStd;
        for (int i = 0; i < count; i++)
            for (int p = 0; p < px; p++) {
                float v = (grey01[i * px + p] - pixelMean) * inv;
                x[(i * 3) * px + p] = v;
                x[(i * 3 + 1) * px + p] = v;
                x[(i * 3 + 2) * px + p] = v;
            }
        return Tensor.of(x, count, 3, size, size);
    }

    /** Logits [N, classes] of x [N, 3, 224, 224]. */
    public Tensor logits(Tensor x) {
        if (classes.isEmpty()) throw new IllegalStateException("this VGG-M has no classification head");
        if (x.size(2) != HEAD_SIZE || x.size(3) != HEAD_SIZE)
            throw new IllegalArgumentException("the vggm head takes " + HEAD_SIZE + " x " + HEAD_SIZE + " inputs, got " + x.size(2) + " x " + x.size(3));
        try (var ignored = Autograd.noGrad()) {
            return net.forward(x).logits();
        }
    }

    @Override
    public float[] probabilities(float[] grey01, int count) {
        if (count == 0) return new float[0];
        try (var ignored = Autograd.noGrad()) {
            return logits(input(grey01, count, HEAD_SIZE)).softmax(1).contiguous().toArray();
        }
    }

    @Override
    public float[] embeddings(float[] grey01, int count) {
        return embeddingsAt(grey01, count, embedSize);
    }

    /** Face embeddings of crops [count, size, size] (grey on [0, 1]) at a crop side of the caller's choice. */
    public float[] embeddingsAt(float[] grey01, int count, int size) {
        if (count == 0) return new float[0];
        try (var ignored = Autograd.noGrad()) {
            return net.faceEmbedding(input(grey01, count, size)).contiguous().toArray();
        }
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "VGG-M (mater_ref.py vggm layout, %s, width 1/%d, %s), grey x %d channels (x - %.3g) / %.3g, embedding %d px -> %d",
                lrn ? "LRN" : "batch norm", scale, classes.isEmpty() ? "no head" : classes.size() + "-class head at " + HEAD_SIZE + " px",
                3, pixelMean, pixelStd, embedSize, embeddingSize());
    }
}
