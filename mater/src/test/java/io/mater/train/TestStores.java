package io.mater.train;

import io.mater.data.Dataset;
import io.mater.engine.Rng;
import io.mater.engine.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Small random embedding stores for fast training tests (d 16, a learnable signal per class). */
public final class TestStores {
    private TestStores() {}

    public static Dataset small(int subjects, int clipsPerSubject, int windows, int dim, int classes, long seed) {
        Rng rng = new Rng(seed);
        int n = subjects * clipsPerSubject;
        float[][] proto = new float[classes][dim];
        for (float[] p : proto) for (int i = 0; i < dim; i++) p[i] = rng.nextGaussian();
        float[] audio = new float[n * windows * dim], video = new float[n * windows * dim];
        int[] labels = new int[n], subj = new int[n];
        List<String> ids = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            labels[c] = c % classes;
            subj[c] = c / clipsPerSubject + 1;
            ids.add("clip-" + c);
            for (int w = 0; w < windows; w++)
                for (int i = 0; i < dim; i++) {
                    int at = (c * windows + w) * dim + i;
                    audio[at] = 0.5f * proto[labels[c]][i] + rng.nextGaussian();
                    video[at] = 0.5f * proto[(labels[c] + 1) % classes][i] + rng.nextGaussian();
                }
        }
        var classNames = new ArrayList<String>();
        for (int k = 0; k < classes; k++) classNames.add("class" + k);
        return new Dataset("small", classNames, 0.5, ids, Tensor.of(audio, n, windows, dim), Tensor.of(video, n, windows, dim), labels, subj, null);
    }
}
