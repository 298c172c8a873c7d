package io.mater.data;

import io.mater.engine.Shape;
import io.mater.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * An embedding store in memory: per clip, T window embeddings of each modality, an emotion label and a
 * subject. audio [N, T, Da] and video [N, T, Dv] (either may be null for a single-modality store);
 * faceMask [N, T] marks video windows in which a face was found (1) or not (0), or is null.
 */
public record Dataset(String name, List<String> classes, double windowSeconds, List<String> clipIds,
                      Tensor audio, Tensor video, int[] labels, int[] subjects, Tensor faceMask) {

    public Dataset {
        classes = List.copyOf(classes);
        clipIds = List.copyOf(clipIds);
        int n = labels.length;
        if (audio == null && video == null) throw new IllegalArgumentException("dataset '" + name + "' has neither audio nor video");
        if (subjects.length != n) throw new IllegalArgumentException("dataset '" + name + "': " + n + " labels but " + subjects.length + " subjects");
        if (clipIds.size() != n) throw new IllegalArgumentException("dataset '" + name + "': " + n + " labels but " + clipIds.size() + " clip ids");
        for (var entry : new Object[][] {{"audio", audio}, {"video", video}}) {
            Tensor t = (Tensor) entry[1];
            if (t == null) continue;
            if (t.dim() != 3) throw new IllegalArgumentException("dataset '" + name + "': " + entry[0] + " must be [N, T, D], got " + Shape.str(t.shape()));
            if (t.size(0) != n) throw new IllegalArgumentException("dataset '" + name + "': " + entry[0] + " has " + t.size(0) + " clips but there are " + n + " labels");
        }
        if (audio != null && video != null && audio.size(1) != video.size(1))
            throw new IllegalArgumentException("dataset '" + name + "': audio has " + audio.size(1) + " windows per clip but video has " + video.size(1));
        for (int i = 0; i < n; i++)
            if (labels[i] < 0 || labels[i] >= classes.size())
                throw new IllegalArgumentException("dataset '" + name + "': clip " + clipIds.get(i) + " has label " + labels[i] + ", outside the " + classes.size() + " classes " + classes);
        if (faceMask != null && (faceMask.dim() != 2 || faceMask.size(0) != n || faceMask.size(1) != (audio != null ? audio : video).size(1)))
            throw new IllegalArgumentException("dataset '" + name + "': face mask must be [N, T], got " + Shape.str(faceMask.shape()));
    }

    public int size() {
        return labels.length;
    }

    /** Windows per clip. */
    public int windows() {
        return (audio != null ? audio : video).size(1);
    }

    public boolean hasAudio() {
        return audio != null;
    }

    public boolean hasVideo() {
        return video != null;
    }

    /** Distinct subjects in increasing order. */
    public int[] distinctSubjects() {
        var s = new TreeSet<Integer>();
        for (int v : subjects) s.add(v);
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Fails with the first clip (by id) whose embeddings hold NaN or Inf. */
    public void checkFinite() {
        for (var entry : new Object[][] {{"audio", audio}, {"video", video}}) {
            Tensor t = (Tensor) entry[1];
            if (t == null) continue;
            float[] d = t.contiguous().data();
            int per = t.size(1) * t.size(2);
            for (int i = 0; i < d.length; i++)
                if (!Float.isFinite(d[i]))
                    throw new IllegalArgumentException("dataset '" + name + "': " + entry[0] + " embedding of clip " + clipIds.get(i / per)
                            + " (index " + (i / per) + ", window " + (i % per) / t.size(2) + ") holds " + d[i]);
        }
    }

    /** The clips at the given indices (copies). */
    public Dataset subset(int[] idx) {
        var ids = new ArrayList<String>();
        int[] lab = new int[idx.length], sub = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            ids.add(clipIds.get(idx[i]));
            lab[i] = labels[idx[i]];
            sub[i] = subjects[idx[i]];
        }
        return new Dataset(name, classes, windowSeconds, ids, pick(audio, idx), pick(video, idx), lab, sub, pick(faceMask, idx));
    }

    private static Tensor pick(Tensor t, int[] idx) {
        return t == null ? null : t.indexSelect(0, idx).contiguous();
    }

    /** Only the first t windows of every clip (incremental perception, or a shorter T). */
    public Dataset firstWindows(int t) {
        if (t < 1 || t > windows()) throw new IllegalArgumentException("dataset '" + name + "' has " + windows() + " windows per clip; cannot take " + t);
        return new Dataset(name, classes, windowSeconds, clipIds, audio == null ? null : audio.narrow(1, 0, t).contiguous(),
                video == null ? null : video.narrow(1, 0, t).contiguous(), labels, subjects, faceMask == null ? null : faceMask.narrow(1, 0, t).contiguous());
    }

    /** Clip counts per class, in class order. */
    public int[] classCounts() {
        int[] c = new int[classes.size()];
        for (int l : labels) c[l]++;
        return c;
    }

    @Override
    public String toString() {
        return "Dataset " + name + ": " + size() + " clips, " + distinctSubjects().length + " subjects, " + classes.size() + " classes "
                + classes + ", T = " + windows() + " windows of " + windowSeconds + " s"
                + (audio != null ? ", audio " + Shape.str(audio.shape()) : "") + (video != null ? ", video " + Shape.str(video.shape()) : "")
                + ", per class " + Arrays.toString(classCounts());
    }
}
