package io.mater.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mater.engine.Conv2dSpec;
import io.mater.engine.Convolution;
import io.mater.engine.Normalization;
import io.mater.engine.Pool2dSpec;
import io.mater.engine.Pooling;
import io.mater.engine.Shape;
import io.mater.engine.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ops against PyTorch 1.13: outputs and gradients of sum(out * gy) stored by
 * src/test/python/make_op_fixtures.py. Max error at most 1e-4 of the largest expected magnitude.
 */
class ConvFixtureTest {

    /** A fixture file: its tensors by name and its metadata (the op's arguments). */
    record Fixture(String name, Map<String, Tensor> tensors, Map<String, String> meta) {
        Tensor get(String key) {
            Tensor t = tensors.get(key);
            assertNotNull(t, name + " has no tensor '" + key + "'");
            return t;
        }

        Tensor leaf(String key) {
            Tensor t = tensors.get(key);
            return t == null ? null : Tensor.of(t.toArray(), t.shape()).requiresGrad(true);
        }

        int integer(String key) {
            return Integer.parseInt(meta.get(key));
        }

        float real(String key) {
            return Float.parseFloat(meta.get(key));
        }

        boolean bool(String key) {
            return Boolean.parseBoolean(meta.get(key).toLowerCase());
        }
    }

    // ------------------------------------------------------------------ a tiny reader for safetensors (F32 only)

    static Fixture load(String name) {
        String path = "/fixtures/ops/" + name + ".safetensors";
        try (InputStream in = ConvFixtureTest.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing test resource " + path + " (run src/test/python/make_op_fixtures.py)");
            byte[] all = in.readAllBytes();
            var buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            int headerLen = (int) buf.getLong(0);
            Object parsed = new Json(new String(all, 8, headerLen, StandardCharsets.UTF_8)).value();
            @SuppressWarnings("unchecked") var header = (Map<String, Object>) parsed;
            var tensors = new LinkedHashMap<String, Tensor>();
            var meta = new LinkedHashMap<String, String>();
            for (var e : header.entrySet()) {
                @SuppressWarnings("unchecked") var info = (Map<String, Object>) e.getValue();
                if (e.getKey().equals("__metadata__")) {
                    info.forEach((k, v) -> meta.put(k, (String) v));
                    continue;
                }
                assertEquals("F32", info.get("dtype"), path + ": " + e.getKey());
                @SuppressWarnings("unchecked") var shapeList = (List<Object>) info.get("shape");
                @SuppressWarnings("unchecked") var offsets = (List<Object>) info.get("data_offsets");
                int[] shape = shapeList.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
                int from = ((Number) offsets.get(0)).intValue(), to = ((Number) offsets.get(1)).intValue();
                float[] data = new float[(to - from) / 4];
                buf.position(8 + headerLen + from);
                buf.asFloatBuffer().get(data);
                tensors.put(e.getKey(), Tensor.of(data, shape));
            }
            return new Fixture(name, tensors, meta);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    /** Just enough JSON for a safetensors header: objects, arrays, strings (no escapes but \"), numbers. */
    static final class Json {
        private final String s;
        private int at;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skip();
            char ch = s.charAt(at);
            if (ch == '{') {
                var map = new LinkedHashMap<String, Object>();
                at++;
                skip();
                if (s.charAt(at) == '}') { at++; return map; }
                while (true) {
                    skip();
                    String key = (String) value();
                    skip();
                    expect(':');
                    map.put(key, value());
                    skip();
                    if (s.charAt(at++) == '}') return map;
                }
            }
            if (ch == '[') {
                var list = new ArrayList<Object>();
                at++;
                skip();
                if (s.charAt(at) == ']') { at++; return list; }
                while (true) {
                    list.add(value());
                    skip();
                    if (s.charAt(at++) == ']') return list;
                }
            }
            if (ch == '"') {
                var sb = new StringBuilder();
                at++;
                while (s.charAt(at) != '"') {
                    if (s.charAt(at) == '\\') at++;
                    sb.append(s.charAt(at++));
                }
                at++;
                return sb.toString();
            }
            int start = at;
            while (at < s.length() && "+-.eE0123456789".indexOf(s.charAt(at)) >= 0) at++;
            if (start == at) throw new IllegalStateException("bad JSON at " + at + ": " + s);
            return Double.parseDouble(s.substring(start, at));
        }

        private void skip() {
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) at++;
        }

        private void expect(char c) {
            if (s.charAt(at++) != c) throw new IllegalStateException("bad JSON at " + (at - 1) + ": expected " + c);
        }
    }

    // ------------------------------------------------------------------ comparisons

    static void close(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape " + Shape.str(actual.shape()));
        float[] e = expected.toArray(), a = actual.toArray();
        double scale = 0, worst = 0;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        int worstAt = 0;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs(e[i] - a[i]);
            if (!(d <= worst)) { worst = d; worstAt = i; }
        }
        if (!(worst <= 1e-4 * Math.max(scale, 1e-6)))
            fail(String.format("%s: max error %.3g at %d (torch %.7g, engine %.7g), scale %.3g", what, worst, worstAt, e[worstAt], a[worstAt], scale));
    }

    /** Backpropagates sum(out * gy) and compares out and the gradients of the named leaves. */
    static void checkBackward(Fixture f, Tensor out, Map<String, Tensor> leaves) {
        close(f.name() + " output", f.get("y"), out);
        out.mul(f.get("gy")).sum().backward();
        for (var e : leaves.entrySet()) {
            if (e.getValue() == null) continue;
            assertNotNull(e.getValue().grad(), f.name() + ": no gradient for " + e.getKey());
            close(f.name() + " gradient of " + e.getKey(), f.get("g_" + e.getKey()), e.getValue().grad());
        }
    }

    // ------------------------------------------------------------------ the ops

    @ParameterizedTest
    @ValueSource(strings = {"conv_3x2", "conv_vggm_conv1", "conv_vggm_conv2", "conv_groups2_dilation2", "conv_depthwise",
            "conv_1x1_nobias", "conv_blocks_pad1"})
    void conv2d(String name) {
        var f = load(name);
        int s = f.integer("stride"), p = f.integer("padding"), d = f.integer("dilation");
        var spec = new Conv2dSpec(s, s, p, p, d, d, f.integer("groups"));
        Tensor x = f.leaf("x"), w = f.leaf("w"), b = f.leaf("b");
        var leaves = new LinkedHashMap<String, Tensor>();
        leaves.put("x", x);
        leaves.put("w", w);
        leaves.put("b", b);
        checkBackward(f, Convolution.conv2d(x, w, b, spec), leaves);
    }

    static Pool2dSpec poolSpec(Fixture f) {
        int k = f.integer("kernel"), s = f.integer("stride"), p = f.integer("padding");
        return new Pool2dSpec(k, k, s, s, p, p, f.bool("ceil_mode"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"maxpool_vggm_pool2", "maxpool_vggm_pool1", "maxpool_2x2", "maxpool_pad1_ceil", "maxpool_ties"})
    void maxPool2d(String name) {
        var f = load(name);
        Tensor x = f.leaf("x");
        var spec = poolSpec(f);
        Tensor[] r = x.backend().maxPool2d(x.detach(), spec);
        assertArrayEquals(f.get("argmax").toArray(), r[1].toArray(), name + ": argmax (ties go to the first max in scan order)");
        checkBackward(f, Pooling.maxPool2d(x, spec), Map.of("x", x));
    }

    @ParameterizedTest
    @ValueSource(strings = {"avgpool_pad1_ceil", "avgpool_2x2_ceil", "avgpool_3x3s2_ceil"})
    void avgPool2d(String name) {
        var f = load(name);
        Tensor x = f.leaf("x");
        checkBackward(f, Pooling.avgPool2d(x, poolSpec(f)), Map.of("x", x));
    }

    @ParameterizedTest
    @ValueSource(strings = {"batchnorm_train", "batchnorm_train_noaffine", "batchnorm_train_offset", "batchnorm_eval"})
    void batchNorm(String name) {
        var f = load(name);
        Tensor x = f.leaf("x"), w = f.leaf("w"), b = f.leaf("b");
        Tensor rm = f.get("running_mean"), rv = f.get("running_var");
        Tensor y = Normalization.batchNorm(x, rm, rv, w, b, f.bool("training"), f.real("momentum"), f.real("eps"));
        // running statistics updated in place (training) or left alone (eval), as torch does
        close(name + " running mean", f.get("running_mean_after"), rm);
        close(name + " running var", f.get("running_var_after"), rv);
        var leaves = new LinkedHashMap<String, Tensor>();
        leaves.put("x", x);
        leaves.put("w", w);
        leaves.put("b", b);
        checkBackward(f, y, leaves);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lrn_vggm", "lrn_size4"})
    void localResponseNorm(String name) {
        var f = load(name);
        Tensor x = f.leaf("x");
        Tensor y = Normalization.localResponseNorm(x, f.integer("size"), f.real("alpha"), f.real("beta"), f.real("k"));
        checkBackward(f, y, Map.of("x", x));
    }

    @org.junit.jupiter.api.Test
    void readerSeesEveryTensor() {
        var f = load("conv_3x2");
        assertEquals(List.of("x", "w", "b", "gy", "y", "g_x", "g_w", "g_b"), List.copyOf(f.tensors().keySet()));
        assertArrayEquals(new int[] {2, 4, 7, 6}, f.get("y").shape());
        assertTrue(f.meta().containsKey("op"));
    }
}
