package io.mater.experiment;

import io.mater.audio.BandStatsEmbedder;
import io.mater.audio.LogMel;
import io.mater.audio.TimeWindows;
import io.mater.audio.Wav;
import io.mater.data.Dataset;
import io.mater.data.EmbeddingStore;
import io.mater.data.Ravdess;
import io.mater.engine.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;

/**
 * A tool (not a test): builds an audio-only RAVDESS embedding store with the weight-free band-stats
 * embedder, T windows of S seconds from the clip start, for the experiments on real audio until the CLI
 * has an 'embed' command. Usage: RealRavdessStore ROOT T SECONDS OUT.safetensors
 */
public final class RealRavdessStore {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int t = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        var corpus = Ravdess.scan(root);
        var windows = TimeWindows.of(t, seconds);
        var embedder = new BandStatsEmbedder();
        int n = corpus.clips().size(), d = embedder.dim();
        float[] audio = new float[n * t * d];
        int[] labels = new int[n], subjects = new int[n];
        var ids = new ArrayList<String>();
        for (int i = 0; i < n; i++) {
            var clip = corpus.clips().get(i);
            float[] patches = windows.patches(Wav.readMono(clip.path(), LogMel.SAMPLE_RATE));
            float[] e = embedder.embedAll(patches, t, windows.patchFrames(), LogMel.BANDS);
            System.arraycopy(e, 0, audio, i * t * d, t * d);
            labels[i] = clip.label();
            subjects[i] = Integer.parseInt(clip.subject());
            ids.add(clip.id());
        }
        EmbeddingStore.write(Path.of(args[3]), new Dataset("ravdess-speech-bandstats", corpus.classes(), seconds, ids,
                Tensor.of(audio, n, t, d), null, labels, subjects, null));
        System.out.println(n + " clips, T = " + t + " x " + seconds + " s -> " + args[3]);
    }
}
