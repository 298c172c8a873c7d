package io.mater.train;

import io.mater.model.MaterConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that defines a training run besides the data: the network, the optimisation (Adam on the
 * cross-entropy of the fused logits, ReduceLROnPlateau on the training loss) and the protocol.
 */
public record TrainConfig(MaterConfig model, int epochs, int batch, double lr, int patience, double factor, double weightDecay,
                          int folds, long seed) {
    public TrainConfig {
        if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        if (patience < 0) throw new IllegalArgumentException("--patience must be >= 0, got " + patience);
        if (folds < 2) throw new IllegalArgumentException("--folds must be >= 2, got " + folds);
    }

    public TrainConfig withModel(MaterConfig m) {
        return new TrainConfig(m, epochs, batch, lr, patience, factor, weightDecay, folds, seed);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(model, e, batch, lr, patience, factor, weightDecay, folds, seed);
    }

    public Map<String, Object> toJson() {
        var m = new LinkedHashMap<String, Object>(model.metadata());
        m.put("epochs", epochs);
        m.put("batch", batch);
        m.put("lr", lr);
        m.put("patience", patience);
        m.put("factor", factor);
        m.put("weight_decay", weightDecay);
        m.put("folds", folds);
        m.put("seed", seed);
        return m;
    }

    public static TrainConfig fromJson(Map<String, Object> m) {
        var meta = new LinkedHashMap<String, String>();
        m.forEach((k, v) -> meta.put(k, String.valueOf(v)));
        return new TrainConfig(MaterConfig.fromMetadata(meta, "run.json"), num(m, "epochs").intValue(), num(m, "batch").intValue(),
                num(m, "lr").doubleValue(), num(m, "patience").intValue(), num(m, "factor").doubleValue(), num(m, "weight_decay").doubleValue(),
                num(m, "folds").intValue(), num(m, "seed").longValue());
    }

    private static Number num(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (v instanceof Number n) return n;
        throw new IllegalArgumentException("run.json: '" + k + "' must be a number, got " + v);
    }
}
