package io.mater.face;

import io.mater.vision.FaceCrop;
import io.mater.vision.VideoFaces;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The emotion a face network reads from a video: the clip's frames are decoded, the face detected and tracked
 * ({@link VideoFaces}), cut at the network's classification size (grey on [0, 1]; the network normalises as
 * its file says), classified in batches in eval mode, and the per-frame softmax distributions averaged over
 * the frames with a face.
 */
public final class FaceVideo {
    private FaceVideo() {}

    /**
     * One clip's reading.
     *
     * @param frames     frames decoded (and cropped where the track has a face)
     * @param faceFrames frames with a face, the ones classified
     * @param perFrame   [faceFrames, classes] softmax of each face frame, in frame order
     * @param mean       [classes] mean of perFrame's rows (all zeros when no frame has a face)
     * @param label      the emotion the file name encodes, if it does
     */
    public record Reading(Path video, int frames, int faceFrames, List<String> classes, float[] perFrame, float[] mean,
                          Optional<ClipLabel> label) {
        public boolean hasFace() {
            return faceFrames > 0;
        }

        /** Index of the most probable class of the mean distribution, or -1 without a face. */
        public int argmax() {
            if (!hasFace()) return -1;
            int best = 0;
            for (int k = 1; k < mean.length; k++) if (mean[k] > mean[best]) best = k;
            return best;
        }

        /** The class of {@link #argmax()}, empty without a face. */
        public Optional<String> predicted() {
            return hasFace() ? Optional.of(classes.get(argmax())) : Optional.empty();
        }

        /** Whether the prediction is the label's FER class; empty when there is no face, no label or no FER class for it. */
        public Optional<Boolean> correct() {
            if (!hasFace() || label.isEmpty() || label.get().fer().isEmpty()) return Optional.empty();
            return Optional.of(label.get().fer().get().equals(classes.get(argmax())));
        }
    }

    /** Detect, track, crop at model.classifySize() and classify every cropped frame of a video. */
    public static Reading read(FaceModel model, VideoFaces faces, Path video, VideoFaces.Options o, int batch) {
        var crop = o.crop().withSize(model.classifySize()).withScale(1f / 255f).withNormalization(FaceCrop.Normalization.NONE);
        var opts = new VideoFaces.Options(o.detectEvery(), o.detectWidth(), o.cropEvery(), o.detector(), o.tracker(), crop);
        return read(model, faces.extract(video, opts), batch);
    }

    /** Classifies a clip's crops (which must be model.classifySize() pixels square, grey on [0, 1]) in batches. */
    public static Reading read(FaceModel model, VideoFaces.Result r, int batch) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (model.classes().isEmpty()) throw new IllegalArgumentException("the face network has no classification head");
        int s = model.classifySize(), px = s * s, k = model.classes().size();
        int faces = 0;
        for (float[] c : r.crops()) {
            if (c == null) continue;
            if (c.length != px)
                throw new IllegalArgumentException(r.video() + ": crop of " + c.length + " floats, but the face network takes " + s + " x " + s);
            faces++;
        }
        var perFrame = new float[faces * k];
        var pending = new float[Math.min(batch, Math.max(faces, 1)) * px];
        int done = 0, n = 0;
        for (float[] c : r.crops()) {
            if (c == null) continue;
            System.arraycopy(c, 0, pending, n * px, px);
            if (++n == pending.length / px) {
                System.arraycopy(model.probabilities(pending, n), 0, perFrame, done * k, n * k);
                done += n;
                n = 0;
            }
        }
        if (n > 0) {
            System.arraycopy(model.probabilities(Arrays.copyOf(pending, n * px), n), 0, perFrame, done * k, n * k);
            done += n;
        }
        var sum = new double[k];
        for (int i = 0; i < faces; i++)
            for (int j = 0; j < k; j++) sum[j] += perFrame[i * k + j];
        var mean = new float[k];
        if (faces > 0) for (int j = 0; j < k; j++) mean[j] = (float) (sum[j] / faces);
        return new Reading(r.video(), r.times().length, faces, model.classes(), perFrame, mean, ClipLabel.of(r.video()));
    }
}
