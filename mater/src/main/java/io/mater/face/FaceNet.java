package io.mater.face;

import io.mater.engine.Autograd;
import io.mater.engine.Conv2dSpec;
import io.mater.engine.Pool2dSpec;
import io.mater.engine.Pooling;
import io.mater.engine.Rng;
import io.mater.engine.Shape;
import io.mater.engine.Tensor;
import io.mater.engine.io.SafeTensors;
import io.mater.nn.BatchNorm2d;
import io.mater.nn.Conv2d;
import io.mater.nn.Dropout;
import io.mater.nn.Linear;
import io.mater.nn.Module;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The face network: VGG-M with batch norm (the {@code vggm} spec of mater_ref.py) for 48x48 grey faces.
 *
 * <p>conv1-conv5 keep the spec's channels, kernels and batch norms (and its PyTorch names conv1..conv5,
 * bn49..bn53), with two documented changes for FER2013's native 48x48 grey faces: conv1 takes 1 channel
 * (grey, not RGB replicated 3 times) and has stride 1 instead of 2. Map sizes: 48 -conv1 7x7/1-> 42
 * -max 3/2-> 20 -conv2 5x5/2 p1-> 9 -max 3/2 ceil-> 4 -conv3..5-> 4x4x512.
 * The spec's 224-px head (fc6 a 6x6 convolution) does not fit a 4x4 map; the head here is
 * max 2x2/2 (-> 2x2x512 = 2048), fc6 Linear 2048->1024, ReLU, dropout; fc7 1024->1024, ReLU, dropout;
 * fc8 1024->classes. The face embedding used by the video pipeline is taken before the head:
 * the mean over H, W of the conv5 ReLU output (512-d).
 */
public final class FaceNet extends Module implements FaceModel {
    /** FER2013's classes in its folder order (alphabetical), the order of the logits. */
    public static final List<String> FER_CLASSES = List.of("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise");
    public static final int INPUT_SIZE = 48;
    public static final String HEAD = "maxpool2x2-fc2048x1024-relu-dropout-fc1024x1024-relu-dropout-fc1024xC";

    private final List<String> classes;
    private final float pixelMean, pixelStd, dropout;
    private final int scale;
    private final Conv2d conv1, conv2, conv3, conv4, conv5;
    private final BatchNorm2d bn49, bn50, bn51, bn52, bn53;
    private final Linear fc6, fc7, fc8;
    private final Dropout drop6, drop7;

    /**
     * pixelMean/pixelStd normalise grey values on the [0, 1] scale: (v - mean) / std. scale divides every width
     * (1 = the real network; larger values give small networks for tests and quick experiments).
     */
    public FaceNet(List<String> classes, float pixelMean, float pixelStd, float dropout, int scale, Rng rng) {
        if (scale < 1 || 96 % scale != 0) throw new IllegalArgumentException("width scale must divide 96, got " + scale);
        if (classes.size() < 2) throw new IllegalArgumentException("FaceNet needs at least 2 classes, got " + classes);
        if (!(pixelStd > 0)) throw new IllegalArgumentException("pixel std must be > 0, got " + pixelStd);
        this.classes = List.copyOf(classes);
        this.pixelMean = pixelMean;
        this.pixelStd = pixelStd;
        this.dropout = dropout;
        this.scale = scale;
        int c1 = 96 / scale, c2 = 256 / scale, c3 = 512 / scale, f = 1024 / scale;
        conv1 = registerModule("conv1", new Conv2d(1, c1, 7, 7, Conv2dSpec.of(1, 0), true, rng));
        conv2 = registerModule("conv2", new Conv2d(c1, c2, 5, 5, Conv2dSpec.of(2, 1), true, rng));
        conv3 = registerModule("conv3", new Conv2d(c2, c3, 3, 3, Conv2dSpec.of(1, 1), true, rng));
        conv4 = registerModule("conv4", new Conv2d(c3, c3, 3, 3, Conv2dSpec.of(1, 1), true, rng));
        conv5 = registerModule("conv5", new Conv2d(c3, c3, 3, 3, Conv2dSpec.of(1, 1), true, rng));
        bn49 = registerModule("bn49", new BatchNorm2d(c1));
        bn50 = registerModule("bn50", new BatchNorm2d(c2));
        bn51 = registerModule("bn51", new BatchNorm2d(c3));
        bn52 = registerModule("bn52", new BatchNorm2d(c3));
        bn53 = registerModule("bn53", new BatchNorm2d(c3));
        fc6 = registerModule("fc6", new Linear(4 * c3, f, rng));
        fc7 = registerModule("fc7", new Linear(f, f, rng));
        fc8 = registerModule("fc8", new Linear(f, classes.size(), rng));
        drop6 = registerModule("drop6", new Dropout(dropout, rng));
        drop7 = registerModule("drop7", new Dropout(dropout, rng));
    }

    /** FER2013 classes, default normalisation. */
    public FaceNet(Rng rng) {
        this(FER_CLASSES, 0.5f, 0.25f, 0.5f, 1, rng);
    }

    public List<String> classes() {
        return classes;
    }

    public int inputSize() {
        return INPUT_SIZE;
    }

    @Override
    public int classifySize() {
        return INPUT_SIZE;
    }

    @Override
    public int embedSize() {
        return INPUT_SIZE;
    }

    /** Width divisor (1 = the real network). */
    public int widthScale() {
        return scale;
    }

    /** Size of {@link #embed}'s output (512 for the real network). */
    @Override
    public int embeddingSize() {
        return 512 / scale;
    }

    public float pixelMean() {
        return pixelMean;
    }

    public float pixelStd() {
        return pixelStd;
    }

    /** Grey pixels on [0, 1] (any length) to network input values. */
    public float[] normalise(float[] grey01) {
        float[] out = new float[grey01.length];
        for (int i = 0; i < out.length; i++) out[i] = (grey01[i] - pixelMean) / pixelStd;
        return out;
    }

    /** The conv5 ReLU output [N, 512, 4, 4] (512 / width scale channels) of normalised faces x [N, 1, 48, 48]. */
    public Tensor conv5(Tensor x) {
        if (x.dim() != 4 || x.size(1) != 1 || x.size(2) != INPUT_SIZE || x.size(3) != INPUT_SIZE)
            throw new IllegalArgumentException("FaceNet expects normalised grey faces [N, 1, 48, 48], got " + Shape.str(x.shape()));
        Tensor h = Pooling.maxPool2d(bn49.forward(conv1.forward(x)).relu(), Pool2dSpec.of(3, 2));
        h = Pooling.maxPool2d(bn50.forward(conv2.forward(h)).relu(), new Pool2dSpec(3, 3, 2, 2, 0, 0, true));
        h = bn51.forward(conv3.forward(h)).relu();
        h = bn52.forward(conv4.forward(h)).relu();
        return bn53.forward(conv5.forward(h)).relu();
    }

    /** Class logits [N, classes] of x [N, 1, 48, 48]. */
    public Tensor logits(Tensor x) {
        Tensor h = Pooling.maxPool2d(conv5(x), Pool2dSpec.of(2, 2)).flatten(1, -1); // [N, 2048]
        h = drop6.forward(fc6.forward(h).relu());
        h = drop7.forward(fc7.forward(h).relu());
        return fc8.forward(h);
    }

    /** The 512-d face embedding [N, 512] (512 / width scale): mean over H, W of the conv5 ReLU output. */
    public Tensor embed(Tensor x) {
        return conv5(x).mean(new int[] {2, 3}, false);
    }

    /** Class probabilities [N, classes] in eval mode, without autograd. */
    public Tensor predict(Tensor x) {
        boolean was = isTraining();
        eval();
        try (var ignored = Autograd.noGrad()) {
            return logits(x).softmax(1);
        } finally {
            train(was);
        }
    }

    @Override
    public float[] probabilities(float[] grey01, int count) {
        if (count == 0) return new float[0];
        return predict(input(grey01, count)).contiguous().toArray();
    }

    @Override
    public float[] embeddings(float[] grey01, int count) {
        if (count == 0) return new float[0];
        boolean was = isTraining();
        eval();
        try (var ignored = Autograd.noGrad()) {
            return embed(input(grey01, count)).contiguous().toArray();
        } finally {
            train(was);
        }
    }

    /** Grey crops [count, 48, 48] on [0, 1] -> normalised network input [count, 1, 48, 48]. */
    private Tensor input(float[] grey01, int count) {
        int px = INPUT_SIZE * INPUT_SIZE;
        if (count < 0 || grey01.length != count * px)
            throw new IllegalArgumentException(count + " crops of " + INPUT_SIZE + " x " + INPUT_SIZE + " need " + (long) count * px + " floats, got " + grey01.length);
        return Tensor.of(normalise(grey01), count, 1, INPUT_SIZE, INPUT_SIZE);
    }

    @Override
    public String describe() {
        return String.format(java.util.Locale.ROOT, "face network (face train layout: VGG-M BN, 1-channel stride-1 conv1, width 1/%d, %d-class head), %d px grey (x - %.3g) / %.3g, embedding %d",
                scale, classes.size(), INPUT_SIZE, pixelMean, pixelStd, embeddingSize());
    }

    public Map<String, String> metadata() {
        var m = new LinkedHashMap<String, String>();
        m.put("format", "mater-facenet-1");
        m.put("architecture", "vggm-bn");
        m.put("classes", String.join(",", classes));
        m.put("input_size", Integer.toString(INPUT_SIZE));
        m.put("input_channels", "1");
        m.put("conv1_stride", "1");
        m.put("pixel_mean", Float.toString(pixelMean));
        m.put("pixel_std", Float.toString(pixelStd));
        m.put("pixel_scale", "grey/255");
        m.put("dropout", Float.toString(dropout));
        m.put("width_scale", Integer.toString(scale));
        m.put("head", HEAD);
        m.put("embedding", "mean_hw(relu(bn53(conv5)))");
        return m;
    }

    /** Writes the weights and {@link #metadata()} (plus extra) atomically. */
    public void save(Path file, Map<String, String> extra) throws IOException {
        var meta = metadata();
        meta.putAll(extra);
        SafeTensors.write(file, stateDict(), meta);
    }

    public void save(Path file) throws IOException {
        save(file, Map.of());
    }

    /** Reads a network written by {@link #save}; the metadata must describe this architecture. */
    public static FaceNet load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new FileNotFoundException(file + ": no such face network file");
        var contents = SafeTensors.read(file);
        var meta = contents.metadata();
        String cls = meta.get("classes");
        if (cls == null || cls.isBlank()) throw new IOException(file + ": not a face network (no 'classes' in its metadata)");
        expect(file, meta, "input_size", "48");
        expect(file, meta, "input_channels", "1");
        expect(file, meta, "conv1_stride", "1");
        expect(file, meta, "head", HEAD);
        float mean, std, drop;
        int scale;
        try {
            mean = Float.parseFloat(meta.get("pixel_mean"));
            std = Float.parseFloat(meta.get("pixel_std"));
            drop = Float.parseFloat(meta.getOrDefault("dropout", "0.5"));
            scale = Integer.parseInt(meta.getOrDefault("width_scale", "1"));
        } catch (RuntimeException e) {
            throw new IOException(file + ": pixel_mean/pixel_std metadata missing or not numbers: " + e.getMessage());
        }
        var net = new FaceNet(Arrays.asList(cls.split(",")), mean, std, drop, scale, new Rng(0));
        var result = net.loadStateDict(contents.tensors(), true);
        if (!result.clean()) throw new IOException(file + ": weights do not fit the face network: " + result);
        net.eval();
        return net;
    }

    private static void expect(Path file, Map<String, String> meta, String key, String value) throws IOException {
        if (!value.equals(meta.get(key)))
            throw new IOException(file + ": metadata " + key + " is " + meta.get(key) + ", this face network needs " + value);
    }
}
