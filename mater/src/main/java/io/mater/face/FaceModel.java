package io.mater.face;

import io.mater.engine.io.SafeTensors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A network that reads emotions from grey face crops, whichever of the two weight layouts a file holds:
 * <ul>
 *   <li>{@link FaceNet}: written by {@code face train} (conv1.weight [96/s, 1, 7, 7]: 1 channel, stride 1,
 *       48 x 48 faces, fc6 a Linear 2048 -> 1024);</li>
 *   <li>{@link VggmFace}: mater_ref.py's {@code vggm} layout (conv1.weight [96/s, 3, 7, 7]: RGB, stride 2,
 *       96 x 96 faces for the embedding, a 224-px fc6..fc8 head when the file has one), e.g. converted
 *       pretrained VGG-M weights.</li>
 * </ul>
 * {@link #load} tells them apart by conv1.weight's input channels.
 */
public sealed interface FaceModel permits FaceNet, VggmFace {
    /** The classes of {@link #probabilities}' columns (empty when the network has no classification head). */
    List<String> classes();

    /** Side of the square grey crops that {@link #probabilities} takes. */
    int classifySize();

    /** Side of the square grey crops that {@link #embeddings} takes. */
    int embedSize();

    /** The mean grey value on [0, 1] that the network's input normalisation subtracts. */
    float pixelMean();

    /** Size D of an embedding. */
    int embeddingSize();

    /**
     * Class probabilities (softmax, eval mode, no autograd) of crops [count, S, S] (S = {@link #classifySize()},
     * grey values on [0, 1], normalised here as the file says) -> [count, classes].
     */
    float[] probabilities(float[] grey01, int count);

    /** Face embeddings of crops [count, S, S] (S = {@link #embedSize()}, grey on [0, 1]) -> [count, D]. */
    float[] embeddings(float[] grey01, int count);

    /** One line: layout, widths, input, normalisation. */
    String describe();

    /** The two layouts a weights file may hold. */
    enum Layout { FACENET, VGGM_REF }

    /** Which layout a safetensors file holds (reads the header only). */
    static Layout layout(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new FileNotFoundException(file + ": no such face network file");
        try (var header = SafeTensors.open(file)) {
            if (!header.contains("conv1.weight"))
                throw new IOException(file + ": not a VGG-M face network (no tensor conv1.weight; expected the face network written by "
                        + "'face train' or VGG-M weights under mater_ref.py's vggm names conv1..conv5, bn49..bn53, fc6..fc8)");
            int[] s = header.entry("conv1.weight").shape();
            if (s.length == 4 && s[2] == 7 && s[3] == 7 && s[1] == 1) return Layout.FACENET;
            if (s.length == 4 && s[2] == 7 && s[3] == 7 && s[1] == 3) return Layout.VGGM_REF;
            throw new IOException(file + ": conv1.weight has shape " + Arrays.toString(s)
                    + "; expected [C, 1, 7, 7] (face network from 'face train') or [C, 3, 7, 7] (mater_ref.py's vggm layout)");
        }
    }

    /** Reads either layout (see {@link #layout}). */
    static FaceModel load(Path file) throws IOException {
        return switch (layout(file)) {
            case FACENET -> FaceNet.load(file);
            case VGGM_REF -> VggmFace.load(file);
        };
    }

    /**
     * Like {@link #load}, for commands that classify: the network must have a head whose classes are FER2013's
     * seven ({@link FaceNet#FER_CLASSES}); otherwise an exception names the file and what was expected.
     */
    static FaceModel loadClassifier(Path file) throws IOException {
        var m = load(file);
        if (m.classes().isEmpty())
            throw new IOException(file + ": " + m.describe() + " has no classification head (no fc6, fc7, fc8); face predict and evaluate need "
                    + "one with the " + FaceNet.FER_CLASSES.size() + " FER classes " + String.join(",", FaceNet.FER_CLASSES)
                    + " (the file still serves as a video embedder: embed --video-embedder vggm:" + file + ")");
        if (m.classes().size() != FaceNet.FER_CLASSES.size())
            throw new IOException(file + ": its head has " + m.classes().size() + " classes " + m.classes() + "; face predict and evaluate need the "
                    + FaceNet.FER_CLASSES.size() + " FER classes " + String.join(",", FaceNet.FER_CLASSES));
        return m;
    }
}
