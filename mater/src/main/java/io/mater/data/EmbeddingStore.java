package io.mater.data;

import io.mater.engine.Tensor;
import io.mater.engine.io.DType;
import io.mater.engine.io.Json;
import io.mater.engine.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedding store on disk: one safetensors file per dataset with {@code audio} [N, T, Da], {@code video}
 * [N, T, Dv] (either may be absent), {@code labels} [N], {@code subjects} [N] (integer or float storage),
 * optionally {@code face_mask} [N, T], and a {@code __metadata__} with the class names, the window length in
 * seconds, the dataset name and the clip ids (JSON lists for the lists).
 */
public final class EmbeddingStore {
    private EmbeddingStore() {}

    public static void write(Path file, Dataset d) throws IOException {
        write(file, d, Map.of());
    }

    /** As {@link #write(Path, Dataset)}, with extra metadata entries (e.g. which embedder made each modality). */
    public static void write(Path file, Dataset d, Map<String, String> extraMetadata) throws IOException {
        var tensors = new LinkedHashMap<String, Tensor>();
        if (d.audio() != null) tensors.put("audio", d.audio());
        if (d.video() != null) tensors.put("video", d.video());
        tensors.put("labels", ints(d.labels()));
        tensors.put("subjects", ints(d.subjects()));
        if (d.faceMask() != null) tensors.put("face_mask", d.faceMask());
        var meta = new LinkedHashMap<String, String>();
        meta.put("format", "mater-embeddings-1");
        meta.put("dataset", d.name());
        meta.put("classes", Json.write(d.classes()));
        meta.put("window_seconds", Double.toString(d.windowSeconds()));
        meta.put("clip_ids", Json.write(d.clipIds()));
        for (var e : extraMetadata.entrySet()) meta.putIfAbsent(e.getKey(), e.getValue());
        SafeTensors.write(file, tensors, meta, Map.of("labels", DType.I64, "subjects", DType.I64));
    }

    private static Tensor ints(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = v[i];
        return Tensor.of(f, v.length);
    }

    /** Reads and validates a store; every problem names the file (and the clip, where there is one). */
    public static Dataset read(Path file) throws IOException {
        var c = SafeTensors.read(file);
        var t = c.tensors();
        var meta = c.metadata();
        try {
            for (String k : List.of("labels", "subjects"))
                if (!t.containsKey(k)) throw new IllegalArgumentException("no '" + k + "' tensor (an embedding store has audio and/or video, labels, subjects)");
            if (!t.containsKey("audio") && !t.containsKey("video")) throw new IllegalArgumentException("neither an 'audio' nor a 'video' tensor");
            for (String k : List.of("classes", "window_seconds", "dataset", "clip_ids"))
                if (!meta.containsKey(k)) throw new IllegalArgumentException("metadata lacks '" + k + "'");
            List<String> classes = Json.asArray(Json.parse(meta.get("classes")), "classes").stream().map(o -> Json.asString(o, "class name")).toList();
            List<String> ids = Json.asArray(Json.parse(meta.get("clip_ids")), "clip_ids").stream().map(o -> Json.asString(o, "clip id")).toList();
            double window = Double.parseDouble(meta.get("window_seconds"));
            int[] labels = integers(t.get("labels"), "labels"), subjects = integers(t.get("subjects"), "subjects");
            var d = new Dataset(meta.get("dataset"), classes, window, ids, t.get("audio"), t.get("video"), labels, subjects, t.get("face_mask"));
            d.checkFinite();
            return d;
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static int[] integers(Tensor t, String name) {
        if (t.dim() != 1) throw new IllegalArgumentException("'" + name + "' must be 1-D [N], got " + java.util.Arrays.toString(t.shape()));
        float[] f = t.toArray();
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            if (f[i] != Math.rint(f[i]) || Math.abs(f[i]) > 1 << 24)
                throw new IllegalArgumentException("'" + name + "'[" + i + "] = " + f[i] + " is not an integer");
            out[i] = (int) f[i];
        }
        return out;
    }
}
