package io.mater.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by Python (src/test/python/make_safetensors_fixtures.py): PyTorch through mater_ref.save_safetensors,
 * and every readable dtype through numpy + struct. Each NAME.expected.json lists the tensors in header order
 * with the float32 bit patterns numpy computed for them.
 */
class SafeTensorsFixtureTest {

    record Expected(String name, DType dtype, int[] shape, int[] bits) {}

    static List<Expected> expected(String fixture, Map<String, String> metadataOut) throws IOException {
        var doc = Json.asObject(Json.read(Path.of(SafeTensorsTest.resource(fixture + ".expected.json"))), fixture);
        for (var kv : Json.asObject(doc.get("metadata"), "metadata").entrySet()) metadataOut.put(kv.getKey(), Json.asString(kv.getValue(), kv.getKey()));
        var out = new ArrayList<Expected>();
        for (Object o : Json.asArray(doc.get("tensors"), "tensors")) {
            var t = Json.asObject(o, "tensor");
            var shape = Json.asArray(t.get("shape"), "shape").stream().mapToInt(d -> Json.asInt(d, "dim")).toArray();
            var bits = Json.asArray(t.get("f32_bits"), "f32_bits").stream().mapToInt(b -> (int) Json.asLong(b, "bits")).toArray();
            out.add(new Expected(Json.asString(t.get("name"), "name"), DType.valueOf(Json.asString(t.get("dtype"), "dtype")), shape, bits));
        }
        return out;
    }

    static void check(String fixture, int expectedTensors) throws IOException {
        var metadata = new LinkedHashMap<String, String>();
        var expected = expected(fixture, metadata);
        assertEquals(expectedTensors, expected.size());
        Path file = Path.of(SafeTensorsTest.resource(fixture + ".safetensors"));
        var contents = SafeTensors.read(file);
        assertEquals(expected.stream().map(Expected::name).toList(), new ArrayList<>(contents.tensors().keySet()), "names, in header order");
        assertEquals(metadata, contents.metadata());
        try (var r = SafeTensors.open(file)) {
            for (var e : expected) {
                assertEquals(e.dtype, r.entry(e.name).dtype(), e.name);
                Tensor t = contents.tensors().get(e.name);
                assertArrayEquals(e.shape, t.shape(), e.name + ": shape");
                assertArrayEquals(e.bits, SafeTensorsTest.bits(SafeTensorsTest.values(t)), e.name + ": float32 bits");
                assertArrayEquals(e.bits, SafeTensorsTest.bits(SafeTensorsTest.values(r.load(e.name))), e.name + ": float32 bits via open()");
            }
        }
    }

    @Test
    void readsFilesWrittenByPyTorch() throws IOException {
        check("torch_f32", 12);
        var c = SafeTensors.read(Path.of(SafeTensorsTest.resource("torch_f32.safetensors")));
        // the escaped names came through json.dumps's \\uXXXX escapes (a surrogate pair for the emoji)
        assertTrue(c.tensors().containsKey("emoji😀"));
        assertTrue(c.tensors().containsKey("ünïcödé.权重"));
        assertTrue(c.tensors().containsKey("quote\"back\\slash\nnewline"));
        assertEquals(Map.of("format", "pt", "epoch", "3", "flag", "true", "note", "héllo\twörld"), c.metadata());
        assertArrayEquals(new int[] {}, c.tensors().get("scalar").shape());
        assertEquals(3.5f, c.tensors().get("scalar").item());
        assertArrayEquals(new int[] {2, 0, 3}, c.tensors().get("empty3d").shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, c.tensors().get("ünïcödé.权重").toArray());
    }

    @Test
    void readsEveryDtypeAsFloat32() throws IOException {
        check("dtypes", 12);
        var c = SafeTensors.read(Path.of(SafeTensorsTest.resource("dtypes.safetensors")));
        // hand-checked values beside numpy's: F64 ties round to even; F16 subnormals; exact large integers
        float[] d = c.tensors().get("double").toArray();
        assertEquals(1f, d[3]);                                      // 1 + 2^-24: tie -> even
        assertEquals(1f + 0x1p-22f, d[4]);                           // 1 + 3 * 2^-24: tie -> even (up)
        assertEquals(1f + 0x1p-23f, d[5]);                           // just above the tie -> up
        assertEquals(Float.MAX_VALUE, d[6]);
        assertEquals(Float.POSITIVE_INFINITY, d[7]);                 // FLT_MAX + half an ulp -> inf
        assertEquals(Float.MAX_VALUE, d[8]);
        assertEquals(Float.MIN_VALUE, d[13]);
        assertEquals(0f, d[14]);                                     // 2^-150: tie -> 0
        assertEquals(2 * Float.MIN_VALUE, d[15]);                    // 1.5 * 2^-149: tie -> 2 units
        float[] h = c.tensors().get("half").toArray();
        assertEquals(0x1p-14f, h[6]);
        assertEquals(0x1p-24f, h[7]);
        assertEquals(1023 * 0x1p-24f, h[8]);
        assertEquals(65504f, h[4]);
        assertArrayEquals(new float[] {0, 1, -1, 7, 16777216, -16777216, 33554432, 16777218, 0x1p62f, -0x1p63f}, c.tensors().get("labels.i64").toArray());
        assertArrayEquals(new float[] {0, 255, 128, 1}, c.tensors().get("größe.u8").toArray());
        assertArrayEquals(new int[] {0, 3}, c.tensors().get("empty.i64").shape());
        assertEquals(2.5f, c.tensors().get("scalar.f64").item());
        assertEquals(Map.of("source", "numpy+struct", "ünï", "cödé ✓"), c.metadata());
    }

    @Test
    void rewritingAFixtureKeepsEveryTensor(@TempDir Path dir) throws IOException {
        var c = SafeTensors.read(Path.of(SafeTensorsTest.resource("torch_f32.safetensors")));
        Path f = dir.resolve("again.safetensors");
        SafeTensors.write(f, c.tensors(), c.metadata());
        var again = SafeTensors.read(f);
        assertEquals(new ArrayList<>(c.tensors().keySet()), new ArrayList<>(again.tensors().keySet()));
        for (var e : c.tensors().entrySet()) SafeTensorsTest.assertSameTensor(e.getKey(), e.getValue(), again.tensors().get(e.getKey()));
        assertEquals(c.metadata(), again.metadata());
        // PyTorch's writer and ours lay out the same data bytes for the same tensors
        byte[] a = Files.readAllBytes(Path.of(SafeTensorsTest.resource("torch_f32.safetensors")));
        byte[] b = Files.readAllBytes(f);
        try (var ra = SafeTensors.open(Path.of(SafeTensorsTest.resource("torch_f32.safetensors"))); var rb = SafeTensors.open(f)) {
            assertEquals(ra.dataBytes(), rb.dataBytes());
            assertArrayEquals(java.util.Arrays.copyOfRange(a, (int) (8 + ra.headerBytes()), a.length),
                    java.util.Arrays.copyOfRange(b, (int) (8 + rb.headerBytes()), b.length));
        }
    }
}
