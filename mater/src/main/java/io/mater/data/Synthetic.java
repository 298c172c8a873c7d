package io.mater.data;

import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Synthetic audio-visual embedding stores shaped like RAVDESS and CREMA-D, generated deterministically from
 * a seed (nothing is stored). The generative model is built so that the paper's questions mean something:
 *
 * <ul>
 *   <li>Each modality has a unit prototype per class. Classes come in confusion groups that differ between
 *       modalities (audio confuses happy with surprised, video confuses happy with calm, ...), so each
 *       modality alone is ambiguous where the other is not, and fusion helps.</li>
 *   <li>Each subject has an offset and an idiosyncratic twist of every class prototype, so a model that fits
 *       its training speakers generalises less well to unseen ones: subject-disjoint folds matter.</li>
 *   <li>Each clip has an onset-apex-offset intensity curve in continuous time (a raised cosine around an
 *       apex), whose apex varies per clip and comes earlier in video than in audio (paper Section 6). Audio
 *       windows before the speech onset (about 1 s into RAVDESS clips) and after its end hold silence.</li>
 *   <li>Confusions live where they matter, in the span of the class prototypes: each clip's class
 *       coefficients are the one-hot of its label plus the subject's twist of that class (a fixed random
 *       C-vector per subject, class and modality) plus clip noise (a fresh C-vector per clip and modality);
 *       each window adds its own noise in that span. Isotropic noise alone would be useless here: in 512
 *       dimensions it barely touches the few directions a classifier looks at.</li>
 *   <li>Window embedding = intensity * sum_k coef_k prototype_k + window noise + presence (speech or face
 *       direction) + subject offset + a little isotropic noise, then l2-normalised (512-d), as the paper
 *       normalises its VGGish/VGG-M windows. Silent audio windows hold the silence direction.</li>
 * </ul>
 * Clip-level draws do not depend on the window length, so the same seed gives the same clips cut into
 * 8 x 0.5 s or 16 x 0.25 s windows.
 */
public final class Synthetic {
    private Synthetic() {}

    /** A dataset shape: subjects, classes, clips per subject, clip timing. */
    public enum Preset {
        RAVDESS("ravdess", List.of("neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"), 24, 8, 0.5,
                new int[][] {{0, 1}, {2, 7}, {4, 5}, {3, 6}}, new int[][] {{0, 3}, {1, 2}, {5, 7}, {4, 6}}),
        CREMAD("cremad", List.of("anger", "disgust", "fear", "happy", "neutral", "sad"), 91, 6, 0.5,
                new int[][] {{0, 1}, {2, 3}, {4, 5}}, new int[][] {{0, 2}, {1, 5}, {3, 4}});

        public final String key;
        public final List<String> classes;
        public final int subjects, defaultWindows;
        public final double defaultWindowSeconds;
        final int[][] audioGroups, videoGroups;

        Preset(String key, List<String> classes, int subjects, int windows, double windowSeconds, int[][] audioGroups, int[][] videoGroups) {
            this.key = key;
            this.classes = classes;
            this.subjects = subjects;
            this.defaultWindows = windows;
            this.defaultWindowSeconds = windowSeconds;
            this.audioGroups = audioGroups;
            this.videoGroups = videoGroups;
        }

        public static Preset parse(String s) {
            for (Preset p : values()) if (p.key.equals(s.toLowerCase(Locale.ROOT).replace("-", ""))) return p;
            throw new IllegalArgumentException("unknown synthetic dataset '" + s + "'; expected ravdess or cremad");
        }
    }

    /**
     * Knobs of the generative model: groupShare (how much the classes of a confusion group share), subjectOffset
     * (norm of each subject's offset), subjectTwist and clipNuisance (std of the subject's and the clip's class
     * coefficients), noise (std of each window's class coefficients; audio gets half), apexLeadMin/Max (seconds
     * by which the audio apex follows the video apex). The defaults are calibrated so that the quick preset
     * lands near the paper on the ravdess set (A and V about 55 %, AV about 75 %, see README).
     */
    public record Params(double groupShare, double subjectOffset, double subjectTwist, double clipNuisance, double noise,
                         double apexLeadMin, double apexLeadMax) {
        public static Params defaults() {
            return new Params(0.5, 0.55, 0.21, 0.26, 0.3, 0.2, 0.9);
        }
    }

    public static final int DIM = 512;

    public static Dataset generate(Preset preset, long seed) {
        return generate(preset, seed, preset.defaultWindows, preset.defaultWindowSeconds, Params.defaults());
    }

    /** The preset's clips cut into `windows` windows of `windowSeconds` from the clip start. */
    public static Dataset generate(Preset preset, long seed, int windows, double windowSeconds, Params p) {
        if (windows < 1) throw new IllegalArgumentException("windows must be >= 1, got " + windows);
        Rng rng = new Rng(seed);
        int c = preset.classes.size();
        float[][] audioProto = prototypes(rng, c, preset.audioGroups, p.groupShare());
        float[][] videoProto = prototypes(rng, c, preset.videoGroups, p.groupShare());
        float[] silence = unit(rng), speech = unit(rng), face = unit(rng);

        var clips = clips(preset);
        int n = clips.size();
        float[][][] subjOffset = new float[2][preset.subjects][];
        float[][][][] subjTwist = new float[2][preset.subjects][c][];
        for (int m = 0; m < 2; m++)
            for (int s = 0; s < preset.subjects; s++) {
                subjOffset[m][s] = scaled(rng, p.subjectOffset());
                for (int k = 0; k < c; k++) subjTwist[m][s][k] = gaussians(rng, c, p.subjectTwist());
            }

        float[] audio = new float[n * windows * DIM], video = new float[n * windows * DIM];
        int[] labels = new int[n], subjects = new int[n];
        var ids = new ArrayList<String>();
        for (int i = 0; i < n; i++) {
            Clip clip = clips.get(i);
            labels[i] = clip.label;
            subjects[i] = clip.subject + 1;
            ids.add(clip.id);
            // clip-level timing and strength (independent of the windowing)
            boolean ravdess = preset == Preset.RAVDESS;
            double onset = ravdess ? 0.95 + 0.11 * rng.nextDouble() : 0.2 + 0.2 * rng.nextDouble();
            double end = ravdess ? 2.1 + 1.2 * rng.nextDouble() : 1.8 + 0.9 * rng.nextDouble();
            double apexV = onset + 0.15 + 0.6 * rng.nextDouble();
            double apexA = Math.min(end - 0.1, apexV + p.apexLeadMin() + (p.apexLeadMax() - p.apexLeadMin()) * rng.nextDouble());
            double widthA = 0.8 + 0.6 * rng.nextDouble(), widthV = 0.7 + 0.8 * rng.nextDouble();
            double strength = (clip.intensity == 2 ? 1.35 : 1.0) * (preset.classes.get(clip.label).startsWith("neutral") ? 0.8 : 1.0);
            // clip-level confusion: the clip's class coefficients, off the one-hot by the subject's twist and by
            // clip noise, both in the span of the class prototypes (where they actually confuse classes)
            float[] coefA = coefficients(rng, c, clip.label, subjTwist[0][clip.subject][clip.label], p.clipNuisance());
            float[] coefV = coefficients(rng, c, clip.label, subjTwist[1][clip.subject][clip.label], p.clipNuisance());
            Rng noise = new Rng(seed * 0x9E3779B97F4A7C15L + i);
            float[] clsA = new float[DIM], clsV = new float[DIM], winA = new float[DIM], winV = new float[DIM];
            mix(audioProto, coefA, clsA);
            mix(videoProto, coefV, clsV);
            for (int w = 0; w < windows; w++) {
                double t = (w + 0.5) * windowSeconds;
                int at = (i * windows + w) * DIM;
                boolean speaking = t >= onset && t <= end;
                double ia = speaking ? strength * bump(t, apexA, widthA) : 0;
                double iv = strength * bump(t, apexV, widthV);
                // window-level confusion in the class span (averages out over windows, unlike the clip's)
                mix(audioProto, gaussians(noise, c, 0.5 * p.noise()), winA); // fewer audio windows carry speech, but cleaner ones
                mix(videoProto, gaussians(noise, c, p.noise()), winV);
                for (int d = 0; d < DIM; d++) {
                    audio[at + d] = (float) (speaking
                            ? ia * clsA[d] + winA[d] + 0.8 * speech[d] + subjOffset[0][clip.subject][d] + 0.5 * noise.nextGaussian() / Math.sqrt(DIM)
                            : silence[d] + 0.3 * subjOffset[0][clip.subject][d] + 0.3 * noise.nextGaussian() / Math.sqrt(DIM));
                    video[at + d] = (float) (iv * clsV[d] + winV[d] + 0.8 * face[d] + subjOffset[1][clip.subject][d]
                            + 0.5 * noise.nextGaussian() / Math.sqrt(DIM));
                }
                normalize(audio, at);
                normalize(video, at);
            }
        }
        return new Dataset(preset.key + "-synthetic", preset.classes, windowSeconds, ids, Tensor.of(audio, n, windows, DIM),
                Tensor.of(video, n, windows, DIM), labels, subjects, null);
    }

    /** One-hot of the label plus the subject's twist of it plus fresh clip noise: class coefficients [C]. */
    private static float[] coefficients(Rng rng, int classes, int label, float[] twist, double sigma) {
        float[] coef = gaussians(rng, classes, sigma);
        for (int k = 0; k < classes; k++) coef[k] += twist[k];
        coef[label] += 1;
        return coef;
    }

    /** out = sum_k coef[k] * protos[k]. */
    private static void mix(float[][] protos, float[] coef, float[] out) {
        java.util.Arrays.fill(out, 0);
        for (int k = 0; k < coef.length; k++)
            for (int d = 0; d < DIM; d++) out[d] += coef[k] * protos[k][d];
    }

    private static float[] gaussians(Rng rng, int n, double sigma) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = (float) (sigma * rng.nextGaussian());
        return v;
    }

    /** Raised-cosine onset-apex-offset curve: 1 at the apex, 0 beyond one width on either side. */
    static double bump(double t, double apex, double width) {
        double x = Math.abs(t - apex) / width;
        return x >= 1 ? 0 : 0.5 * (1 + Math.cos(Math.PI * x));
    }

    private record Clip(String id, int subject, int label, int intensity) {}

    private static List<Clip> clips(Preset preset) {
        var out = new ArrayList<Clip>();
        int c = preset.classes.size();
        for (int s = 0; s < preset.subjects; s++) {
            if (preset == Preset.RAVDESS) {
                // RAVDESS speech: neutral has one intensity, the others two; 2 statements x 2 repetitions: 60 per actor.
                for (int e = 0; e < c; e++)
                    for (int level = 1; level <= (e == 0 ? 1 : 2); level++)
                        for (int st = 1; st <= 2; st++)
                            for (int rep = 1; rep <= 2; rep++)
                                out.add(new Clip(String.format("03-01-%02d-%02d-%02d-%02d-%02d", e + 1, level, st, rep, s + 1), s, e, level));
            } else {
                // CREMA-D: 12 sentences in 6 emotions, plus sentence 0 at two more levels for the 5 non-neutral ones: 82 per actor.
                String[] codes = {"ANG", "DIS", "FEA", "HAP", "NEU", "SAD"};
                for (int sentence = 0; sentence < 12; sentence++)
                    for (int e = 0; e < c; e++) out.add(new Clip(String.format("%d_S%02d_%s_XX", 1001 + s, sentence, codes[e]), s, e, 1));
                for (int e = 0; e < c; e++) {
                    if (codes[e].equals("NEU")) continue;
                    out.add(new Clip(String.format("%d_S00_%s_LO", 1001 + s, codes[e]), s, e, 1));
                    out.add(new Clip(String.format("%d_S00_%s_HI", 1001 + s, codes[e]), s, e, 2));
                }
            }
        }
        return out;
    }

    /** Class prototypes: each a unit mix of its confusion group's direction (share) and its own. */
    private static float[][] prototypes(Rng rng, int classes, int[][] groups, double share) {
        float[][] own = new float[classes][];
        for (int k = 0; k < classes; k++) own[k] = unit(rng);
        float[][] out = new float[classes][];
        for (int[] g : groups) {
            float[] shared = unit(rng);
            for (int k : g) {
                float[] v = new float[DIM];
                for (int d = 0; d < DIM; d++) v[d] = (float) (share * shared[d] + (1 - share) * own[k][d]);
                normalize(v, 0);
                out[k] = v;
            }
        }
        for (int k = 0; k < classes; k++) if (out[k] == null) out[k] = own[k];
        return out;
    }

    private static float[] unit(Rng rng) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) v[d] = rng.nextGaussian();
        normalize(v, 0);
        return v;
    }

    /** A random vector of expected norm `scale`. */
    private static float[] scaled(Rng rng, double scale) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) v[d] = (float) (scale * rng.nextGaussian() / Math.sqrt(DIM));
        return v;
    }

    static void normalize(float[] v, int off) {
        double s = 0;
        for (int d = 0; d < DIM; d++) s += (double) v[off + d] * v[off + d];
        float inv = (float) (1 / Math.sqrt(Math.max(s, 1e-24)));
        for (int d = 0; d < DIM; d++) v[off + d] *= inv;
    }
}
