package io.mater.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Configuration of a MATER network. {@link #metadata()} writes it with the keys that the reference
 * implementation (mater_ref.py) writes into a model file, so models move between it and this engine.
 */
public record MaterConfig(int d, int heads, int layers, int ff, int classes, boolean pe, boolean attention,
                          Modality modality, float dropout) {
    public MaterConfig {
        if (d < 1 || heads < 1 || layers < 0 || ff < 1 || classes < 2)
            throw new IllegalArgumentException("bad MATER configuration: d=" + d + " heads=" + heads + " layers=" + layers + " ff=" + ff + " classes=" + classes);
        if (attention && d % heads != 0)
            throw new IllegalArgumentException("d_model " + d + " must be divisible by heads " + heads);
        if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }

    /** The paper's configuration: d 512, 8 heads, 6 layers, ff 2048, dropout 0.1, PE and MHSA on. */
    public static MaterConfig paper(int classes, Modality modality) {
        return new MaterConfig(512, 8, 6, 2048, classes, true, true, modality, 0.1f);
    }

    public MaterConfig withModality(Modality m) {
        return new MaterConfig(d, heads, layers, ff, classes, pe, attention, m, dropout);
    }

    public Map<String, String> metadata() {
        var m = new LinkedHashMap<String, String>();
        m.put("d", Integer.toString(d));
        m.put("heads", Integer.toString(heads));
        m.put("layers", Integer.toString(layers));
        m.put("ff", Integer.toString(ff));
        m.put("classes", Integer.toString(classes));
        m.put("pe", Boolean.toString(pe));
        m.put("attention", Boolean.toString(attention));
        m.put("modality", modality.key());
        m.put("dropout", Float.toString(dropout));
        return m;
    }

    /** Reads the keys that {@link #metadata()} (or mater_ref.py) writes; dropout defaults to 0.1 when absent. */
    public static MaterConfig fromMetadata(Map<String, String> m, String source) {
        try {
            return new MaterConfig(integer(m, "d", source), integer(m, "heads", source), integer(m, "layers", source),
                    integer(m, "ff", source), integer(m, "classes", source), bool(m, "pe", source), bool(m, "attention", source),
                    Modality.parse(required(m, "modality", source)), Float.parseFloat(m.getOrDefault("dropout", "0.1")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": bad number in model metadata: " + e.getMessage());
        }
    }

    private static String required(Map<String, String> m, String key, String source) {
        String v = m.get(key);
        if (v == null) throw new IllegalArgumentException(source + ": model metadata lacks '" + key + "' (expected keys d, heads, layers, ff, classes, pe, attention, modality)");
        return v;
    }

    private static int integer(Map<String, String> m, String key, String source) {
        return Integer.parseInt(required(m, key, source).trim());
    }

    private static boolean bool(Map<String, String> m, String key, String source) {
        String v = required(m, key, source).trim().toLowerCase();
        return switch (v) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException(source + ": model metadata '" + key + "' must be true or false, got '" + v + "'");
        };
    }
}
