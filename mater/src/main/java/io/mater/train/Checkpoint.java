package io.mater.train;

import io.mater.engine.Tensor;
import io.mater.engine.io.Json;
import io.mater.engine.io.SafeTensors;
import io.mater.model.Mater;
import io.mater.nn.optim.Optimizer;
import io.mater.nn.optim.ReduceLROnPlateau;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to continue a fold's training exactly where it stopped, in one safetensors file written
 * atomically: the model ("model.*"), the optimiser state ("optim.*"), and in the metadata the epoch, the
 * learning rate, the scheduler state, the generators' states and the training curve so far.
 */
public record Checkpoint(int epoch, Map<String, Tensor> model, Map<String, Tensor> optimizer, double lr,
                         Map<String, String> scheduler, long[] modelRng, long[] orderRng, List<Object> curve) {

    public static void save(Path file, int epoch, Mater model, Optimizer optimizer, ReduceLROnPlateau scheduler,
                            long[] orderRng, List<Object> curve) throws IOException {
        var tensors = new LinkedHashMap<String, Tensor>();
        model.stateDict().forEach((k, v) -> tensors.put("model." + k, v));
        optimizer.stateDict().forEach((k, v) -> tensors.put("optim." + k, v));
        var meta = new LinkedHashMap<String, String>(model.config.metadata());
        meta.put("format", "mater-checkpoint-1");
        meta.put("epoch", Integer.toString(epoch));
        meta.put("lr", Double.toString(optimizer.lr()));
        meta.put("scheduler", Json.write(scheduler.state()));
        meta.put("model_rng", Json.write(model.rng.state()));
        meta.put("order_rng", Json.write(orderRng));
        meta.put("curve", Json.write(curve));
        SafeTensors.write(file, tensors, meta);
    }

    public static Checkpoint load(Path file) throws IOException {
        var contents = SafeTensors.read(file);
        var meta = contents.metadata();
        if (!"mater-checkpoint-1".equals(meta.get("format")))
            throw new IOException(file + ": not a MATER training checkpoint (metadata format is " + meta.get("format") + ")");
        var model = new LinkedHashMap<String, Tensor>();
        var optim = new LinkedHashMap<String, Tensor>();
        contents.tensors().forEach((k, v) -> {
            if (k.startsWith("model.")) model.put(k.substring(6), v);
            else if (k.startsWith("optim.")) optim.put(k.substring(6), v);
        });
        try {
            var sched = new LinkedHashMap<String, String>();
            Json.asObject(Json.parse(meta.get("scheduler")), "scheduler").forEach((k, v) -> sched.put(k, String.valueOf(v)));
            return new Checkpoint(Integer.parseInt(meta.get("epoch")), model, optim, Double.parseDouble(meta.get("lr")), sched,
                    longs(meta.get("model_rng")), longs(meta.get("order_rng")), Json.asArray(Json.parse(meta.get("curve")), "curve"));
        } catch (RuntimeException e) {
            throw new IOException(file + ": corrupt checkpoint metadata: " + e.getMessage(), e);
        }
    }

    private static long[] longs(String json) {
        var list = Json.asArray(Json.parse(json), "rng state");
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = Json.asLong(list.get(i), "rng state");
        return out;
    }
}
