package io.mater.model;

import io.mater.engine.Tensor;
import io.mater.engine.io.Json;
import io.mater.engine.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A self-describing MATER model file: safetensors with the state dict under PyTorch's names and a
 * {@code __metadata__} that carries the configuration with the keys mater_ref.py writes (d, heads, layers,
 * ff, classes, pe, attention, modality), so a model trained by that script in PyTorch loads here unchanged,
 * and one saved here loads there. We add, when known, the class names, window length and window count.
 */
public final class ModelFile {
    private ModelFile() {}

    /** A loaded model with what its metadata says about the data it expects. */
    public record Loaded(Mater model, List<String> classNames, Map<String, String> metadata) {}

    public static void save(Path file, Mater model, List<String> classNames, Map<String, String> extra) throws IOException {
        var meta = new LinkedHashMap<String, String>(model.config.metadata());
        if (classNames != null) meta.put("class_names", Json.write(classNames));
        if (extra != null) meta.putAll(extra);
        SafeTensors.write(file, model.stateDict(), meta);
    }

    public static Loaded load(Path file) throws IOException {
        var contents = SafeTensors.read(file);
        var meta = contents.metadata();
        MaterConfig config;
        try {
            config = MaterConfig.fromMetadata(meta, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        var model = new Mater(config, 0L);
        try {
            model.loadStateDict(contents.tensors(), true);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        model.eval();
        List<String> names = null;
        if (meta.containsKey("class_names")) {
            var list = Json.asArray(Json.parse(meta.get("class_names")), file + " class_names");
            names = list.stream().map(o -> Json.asString(o, "class name")).toList();
            if (names.size() != config.classes())
                throw new IOException(file + ": metadata lists " + names.size() + " class names for " + config.classes() + " classes");
        }
        return new Loaded(model, names, meta);
    }

    /** The tensors of a state dict by name (for tools that inspect files). */
    public static Map<String, Tensor> tensors(Path file) throws IOException {
        return SafeTensors.read(file).tensors();
    }
}
