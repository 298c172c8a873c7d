package io.mater.model;

import io.mater.engine.Tensor;
import io.mater.engine.io.Json;
import io.mater.engine.io.SafeTensors;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** The PyTorch fixtures under src/test/resources/fixtures (made by src/test/python/make_fixtures.py). */
record Fixtures(Path dir, Map<String, Object> config, SafeTensors.Contents model, Map<String, Tensor> inputs, Map<String, Tensor> expected) {

    static Fixtures load(String name) throws IOException {
        try {
            var url = Fixtures.class.getResource("/fixtures/" + name + "/config.json");
            if (url == null) throw new IOException("fixture " + name + " is missing from the test resources");
            Path dir = Path.of(url.toURI()).getParent();
            return new Fixtures(dir, Json.asObject(Json.read(dir.resolve("config.json")), name), SafeTensors.read(dir.resolve("model.safetensors")),
                    SafeTensors.read(dir.resolve("inputs.safetensors")).tensors(), SafeTensors.read(dir.resolve("expected.safetensors")).tensors());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    int integer(String key) {
        return Json.asInt(config.get(key), key);
    }

    /** max |a - e| / max(max |e|, floor): the error relative to the expected tensor's scale. */
    static double relativeError(Tensor actual, Tensor expected, double floor) {
        if (!java.util.Arrays.equals(actual.shape(), expected.shape()))
            throw new AssertionError("shape " + java.util.Arrays.toString(actual.shape()) + " vs expected " + java.util.Arrays.toString(expected.shape()));
        float[] a = actual.toArray(), e = expected.toArray();
        double err = 0, scale = floor;
        for (int i = 0; i < a.length; i++) {
            err = Math.max(err, Math.abs(a[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        return err / scale;
    }

    static double absoluteError(Tensor actual, Tensor expected) {
        float[] a = actual.toArray(), e = expected.toArray();
        double err = 0;
        for (int i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - e[i]));
        return err;
    }
}
