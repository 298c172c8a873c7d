package io.mater.cli;

import io.mater.data.Dataset;
import io.mater.data.EmbeddingStore;
import io.mater.engine.Parallel;
import io.mater.engine.io.Json;
import io.mater.model.ModelFile;
import io.mater.train.Evaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** {@code evaluate}: a saved model's accuracy, entropies and confusion on an embedding store. */
final class EvaluateCommand implements Main.Command {
    @Override
    public String summary() {
        return "measure a saved model on an embedding store (accuracy, entropies, confusion)";
    }

    @Override
    public String help() {
        return """
                usage: mater evaluate --model MODEL.safetensors --data STORE.safetensors [--windows T] [--out FILE.json] [--force]

                Runs the model on every clip of the store and prints the accuracy of the fused prediction and
                of each branch, the branches' mean prediction entropies, the KL divergence between them, the
                per-layer embedding entropy, and the confusion matrix. --windows T uses the first T windows.
                --out writes all of it as JSON (refusing to overwrite without --force).
                """;
    }

    @Override
    public int run(String[] argv) throws Exception {
        var a = new Args("evaluate", argv, Set.of("model", "data", "windows", "out", "threads"), Set.of("force"));
        if (a.has("threads")) Parallel.setThreads(a.integer("threads", 1));
        Path modelFile = Path.of(a.required("model")), dataFile = Path.of(a.required("data"));
        for (Path p : new Path[] {modelFile, dataFile})
            if (!Files.exists(p)) throw new java.io.FileNotFoundException(p + ": no such file");
        var loaded = ModelFile.load(modelFile);
        Dataset data = EmbeddingStore.read(dataFile);
        if (a.has("windows")) {
            int t = a.integer("windows", data.windows());
            if (t > data.windows()) throw new IllegalArgumentException("--windows " + t + " is larger than the " + data.windows() + " windows that " + dataFile + " has");
            data = data.firstWindows(t);
        }
        check(loaded, data, modelFile, dataFile);
        Path out = a.has("out") ? Path.of(a.string("out", "")) : null;
        if (out != null && Files.exists(out) && !a.flag("force")) throw new IllegalArgumentException(out + " exists; pass --force to overwrite it");
        var eval = Evaluation.of(loaded.model(), data, true);
        System.out.printf(Locale.ROOT, "%s on %s: %d clips%n", modelFile, data.name(), data.size());
        eval.accuracy().forEach((k, v) -> System.out.printf(Locale.ROOT, "  accuracy %-2s %6.2f %%%n", k.toUpperCase(Locale.ROOT), 100 * v));
        eval.entropy().forEach((k, v) -> System.out.printf(Locale.ROOT, "  entropy  %-3s %7.4f nats%n", k.toUpperCase(Locale.ROOT), v));
        if (!Double.isNaN(eval.klAudioVideo())) System.out.printf(Locale.ROOT, "  KL(A||V) %.4f  KL(V||A) %.4f%n", eval.klAudioVideo(), eval.klVideoAudio());
        eval.layerEntropy().forEach((k, v) -> System.out.printf(Locale.ROOT, "  layer entropy %s: %s%n", k.toUpperCase(Locale.ROOT), java.util.Arrays.toString(round(v))));
        System.out.println("  confusion (rows: true " + data.classes() + ", columns: predicted)");
        for (int[] row : eval.confusion().get("av")) System.out.println("    " + java.util.Arrays.toString(row));
        if (out != null) {
            var j = new java.util.LinkedHashMap<String, Object>(eval.toJson());
            j.put("model", modelFile.toString());
            j.put("data", dataFile.toString());
            j.put("classes", data.classes());
            Json.write(out, j);
        }
        return 0;
    }

    static double[] round(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = Math.round(v[i] * 1e4) / 1e4;
        return r;
    }

    /** The model must fit the data: modalities, widths and classes. */
    static void check(ModelFile.Loaded m, Dataset d, Path modelFile, Path dataFile) {
        var c = m.model().config;
        if (c.modality().hasAudio() && !d.hasAudio()) throw new IllegalArgumentException(modelFile + " is a " + c.modality().key() + " model but " + dataFile + " has no audio");
        if (c.modality().hasVideo() && !d.hasVideo()) throw new IllegalArgumentException(modelFile + " is a " + c.modality().key() + " model but " + dataFile + " has no video");
        for (var t : new io.mater.engine.Tensor[] {c.modality().hasAudio() ? d.audio() : null, c.modality().hasVideo() ? d.video() : null})
            if (t != null && t.size(2) != c.d())
                throw new IllegalArgumentException(modelFile + " expects " + c.d() + "-d embeddings but " + dataFile + " has " + t.size(2));
        if (c.classes() != d.classes().size())
            throw new IllegalArgumentException(modelFile + " has " + c.classes() + " classes but " + dataFile + " has " + d.classes().size() + " " + d.classes());
        if (m.classNames() != null && !m.classNames().equals(d.classes()))
            throw new IllegalArgumentException(modelFile + " was trained on classes " + m.classNames() + " but " + dataFile + " has " + d.classes());
    }
}
