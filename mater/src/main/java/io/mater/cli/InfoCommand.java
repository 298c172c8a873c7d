package io.mater.cli;

import io.mater.data.EmbeddingStore;
import io.mater.engine.io.SafeTensors;
import io.mater.model.MaterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** {@code info}: what a dataset, model or checkpoint file holds. */
final class InfoCommand implements Main.Command {
    @Override
    public String summary() {
        return "describe a dataset, model or checkpoint file";
    }

    @Override
    public String help() {
        return """
                usage: mater info FILE.safetensors ...

                Lists every tensor (name, dtype, shape) and the metadata, then what the file is: an embedding
                store (clips, subjects, classes, windows, per-class counts), a MATER model (configuration and
                parameter count) or a training checkpoint (epoch).
                """;
    }

    @Override
    public int run(String[] argv) throws Exception {
        var a = new Args("info", argv, Set.of(), Set.of());
        if (a.positional().isEmpty()) throw new Args.UsageException("give a file");
        for (String f : a.positional()) describe(Path.of(f));
        return 0;
    }

    static void describe(Path file) throws java.io.IOException {
        if (!Files.exists(file)) throw new java.io.FileNotFoundException(file + ": no such file");
        try (var r = SafeTensors.open(file)) {
            System.out.printf("%s: %d tensors, %,d bytes of data%n", file, r.entries().size(), r.dataBytes());
            int shown = 0;
            long params = 0;
            for (var e : r.entries()) {
                params += e.numel();
                if (shown++ < 40) System.out.printf("  %-48s %-4s %s%n", e.name(), e.dtype(), java.util.Arrays.toString(e.shape()));
            }
            if (shown > 40) System.out.printf("  ... and %d more%n", shown - 40);
            var meta = r.metadata();
            if (!meta.isEmpty()) {
                System.out.println("  metadata:");
                meta.forEach((k, v) -> System.out.printf("    %s = %s%n", k, v.length() > 120 ? v.substring(0, 117) + "..." : v));
            }
            String format = meta.getOrDefault("format", "");
            if (format.equals("mater-embeddings-1") || (r.contains("labels") && r.contains("subjects"))) {
                System.out.println("  embedding store: " + EmbeddingStore.read(file));
            } else if (format.equals("mater-checkpoint-1")) {
                System.out.println("  training checkpoint after epoch " + meta.get("epoch") + " (lr " + meta.get("lr") + ")");
            } else if (meta.containsKey("d") && meta.containsKey("modality")) {
                var c = MaterConfig.fromMetadata(meta, file.toString());
                System.out.printf("  MATER model: %s, %,d parameters%n", c, params);
            }
        }
    }
}
