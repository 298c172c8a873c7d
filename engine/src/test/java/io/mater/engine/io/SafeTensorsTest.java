package io.mater.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.Rng;
import io.mater.engine.Storage;
import io.mater.engine.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing and reading back; the reader API; the writer's layout, dtypes and atomicity. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }

    /**
     * t.toArray(), except for zero-size tensors: Tensor.isContiguous() is false for shapes like [3, 0, 2] (strides
     * [2, 2, 1]), and toArray() then fails in Strided.copy -- an engine bug outside this package, reported.
     */
    static float[] values(Tensor t) {
        return t.numel() == 0 ? new float[0] : t.toArray();
    }

    static void assertSameTensor(String name, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), name + ": shape");
        assertArrayEquals(bits(values(expected)), bits(values(actual)), name + ": values (bit for bit)");
    }

    private List<Path> filesIn(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void roundTripShapesNamesValuesAndMetadata() throws IOException {
        var rng = new Rng(42);
        var tensors = new LinkedHashMap<String, Tensor>();
        tensors.put("z.last-in-alphabet-first-in-file", Tensor.randn(rng, 2, 3, 4));
        tensors.put("scalar", Tensor.scalar(-3.25f));
        tensors.put("empty", Tensor.zeros(0));
        tensors.put("empty.middle", Tensor.zeros(3, 0, 2));
        tensors.put("one", Tensor.of(new float[] {7}, 1, 1, 1));
        tensors.put("specials", Tensor.vector(Float.NaN, Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffc12345),
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE));
        tensors.put("ünïcödé.权重", Tensor.randn(rng, 5));
        tensors.put("emoji😀🎉", Tensor.vector(1, 2));
        tensors.put("quote\"back\\slash\nnew\tline\u0000nul/", Tensor.vector(3));
        tensors.put("", Tensor.vector(4));
        tensors.put("a", Tensor.randn(rng, 17, 33));
        var metadata = new LinkedHashMap<String, String>();
        metadata.put("epoch", "3");
        metadata.put("ünï \"q\"", "✓\t\n😀");
        metadata.put("", "");
        Path f = dir.resolve("model.safetensors");
        SafeTensors.write(f, tensors, metadata);

        var back = SafeTensors.read(f);
        assertEquals(new ArrayList<>(tensors.keySet()), new ArrayList<>(back.tensors().keySet()), "names and order");
        for (var e : tensors.entrySet()) assertSameTensor(e.getKey(), e.getValue(), back.tensors().get(e.getKey()));
        assertEquals(metadata, back.metadata());
        assertEquals(new ArrayList<>(metadata.keySet()), new ArrayList<>(back.metadata().keySet()), "metadata order");
        assertEquals(List.of(f), filesIn(dir), "no temp file left behind");
    }

    @Test
    void nonContiguousTensorsAreWrittenInRowMajorOrder() throws IOException {
        float[] base = new float[60];
        for (int i = 0; i < base.length; i++) base[i] = i * 1.5f - 7;
        var heap = new Storage.Heap(base);
        // hand-built strided views: expected element (i, j, ...) = base[offset + sum(index * stride)]
        var views = new LinkedHashMap<String, Tensor>();
        views.put("transposed", Tensor.view(heap, new int[] {5, 4}, new int[] {1, 5}, 0));          // [4,5]^T
        views.put("stepped", Tensor.view(heap, new int[] {3, 4}, new int[] {20, 2}, 1));            // a[:, 1::2]
        views.put("offset.contiguous", Tensor.view(heap, new int[] {2, 3}, new int[] {3, 1}, 11));  // contiguous, offset > 0
        views.put("broadcast", Tensor.view(heap, new int[] {3, 4}, new int[] {0, 1}, 8));           // stride 0
        views.put("permuted", Tensor.view(heap, new int[] {2, 3, 2}, new int[] {1, 4, 30}, 2));
        views.put("size1.odd.stride", Tensor.view(heap, new int[] {1, 4}, new int[] {999, 1}, 4));  // contiguous despite stride
        views.put("via.ops", Tensor.of(base.clone(), 3, 4, 5).permute(2, 0, 1).slice(1, 0, 3, 2));
        Path f = dir.resolve("views.safetensors");
        SafeTensors.write(f, views);
        var back = SafeTensors.read(f).tensors();
        for (var e : views.entrySet()) {
            Tensor t = e.getValue();
            float[] expected = gather(t);
            assertArrayEquals(t.shape(), back.get(e.getKey()).shape(), e.getKey());
            assertArrayEquals(expected, back.get(e.getKey()).toArray(), e.getKey());
        }
        assertArrayEquals(new float[] {-7, 0.5f, 8, 15.5f, -5.5f}, Arrays.copyOf(back.get("transposed").toArray(), 5));
    }

    /** Row-major elements of a CPU tensor, from its strides (independent of the backend). */
    private static float[] gather(Tensor t) {
        int[] shape = t.shape(), strides = t.strides();
        float[] data = t.data(), out = new float[t.numel()];
        int[] idx = new int[shape.length];
        for (int n = 0; n < out.length; n++) {
            int pos = t.offset();
            for (int i = 0; i < shape.length; i++) pos += idx[i] * strides[i];
            out[n] = data[pos];
            for (int i = shape.length - 1; i >= 0; i--) {
                if (++idx[i] < shape[i]) break;
                idx[i] = 0;
            }
        }
        return out;
    }

    @Test
    void writtenBytesFollowTheFormat() throws IOException {
        var tensors = new LinkedHashMap<String, Tensor>();
        tensors.put("b", Tensor.of(new float[] {1, -2}, 2));
        tensors.put("a", Tensor.scalar(0.5f));
        Path f = dir.resolve("small.safetensors");
        SafeTensors.write(f, tensors, Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(f);
        var buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong(0);
        String json = "{\"__metadata__\":{\"k\":\"v\"},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]}}";
        int padded = (json.length() + 7) / 8 * 8;
        assertEquals(padded, n, "header length is padded to a multiple of 8");
        assertEquals(json + " ".repeat(padded - json.length()), new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        assertEquals(8 + n + 12, bytes.length);
        int d = 8 + (int) n;
        assertEquals(1f, buf.getFloat(d));
        assertEquals(-2f, buf.getFloat(d + 4));
        assertEquals(0.5f, buf.getFloat(d + 8));
        assertEquals(0x3f, bytes[d + 3], "little-endian: 1.0f = 00 00 80 3f");
    }

    @Test
    void writesLabelsAsI64AndI32() throws IOException {
        var tensors = new LinkedHashMap<String, Tensor>();
        tensors.put("x", Tensor.vector(0.25f));
        tensors.put("labels", Tensor.vector(0, 3, -1, 16777216, 1L << 40, -0f));
        tensors.put("subjects", Tensor.of(new float[] {5, -2147483648f, 2147483520f, 0}, 2, 2));
        Path f = dir.resolve("labels.safetensors");
        SafeTensors.write(f, tensors, null, Map.of("labels", DType.I64, "subjects", DType.I32));
        try (var r = SafeTensors.open(f)) {
            assertEquals(List.of(
                    new SafeTensors.Entry("x", DType.F32, new int[] {1}, 0, 4),
                    new SafeTensors.Entry("labels", DType.I64, new int[] {6}, 4, 52),
                    new SafeTensors.Entry("subjects", DType.I32, new int[] {2, 2}, 52, 68)), r.entries());
            assertTrue(r.metadata().isEmpty());
            byte[] bytes = Files.readAllBytes(f);
            var buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int d = (int) (8 + r.headerBytes());
            assertEquals(1L << 40, buf.getLong(d + 4 + 4 * 8));
            assertEquals(-1L, buf.getLong(d + 4 + 2 * 8));
            assertEquals(-2147483648, buf.getInt(d + 52 + 4));
            assertEquals(2147483520, buf.getInt(d + 52 + 8));
            assertSameTensor("labels", Tensor.vector(0, 3, -1, 16777216, 1L << 40, 0), r.load("labels"));
            assertSameTensor("subjects", tensors.get("subjects"), r.load("subjects"));
        }
    }

    @Test
    void integerDtypeRejectsNonIntegersAndKeepsThePreviousFile() throws IOException {
        Path f = dir.resolve("labels.safetensors");
        SafeTensors.write(f, Map.of("old", Tensor.vector(1, 2, 3)));
        byte[] before = Files.readAllBytes(f);
        float[][] bad = {{1, 0.5f}, {Float.NaN}, {Float.POSITIVE_INFINITY}, {2147483648f}, {-2147483904f}};
        for (float[] values : bad) {
            var tensors = new LinkedHashMap<String, Tensor>();
            tensors.put("fine", Tensor.zeros(300_000));       // 1.2 MB written first: the failure comes mid-file
            tensors.put("labels", Tensor.of(values.clone(), values.length));
            var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, tensors, Map.of(), Map.of("labels", DType.I32)));
            assertTrue(e.getMessage().contains("\"labels\"") && e.getMessage().contains("not an integer that fits I32"), e.getMessage());
            assertTrue(e.getMessage().contains("element " + (values.length - 1)), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(f), "the previous file is intact");
            assertEquals(List.of(f), filesIn(dir), "the temp file is removed");
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(f, Map.of("l", Tensor.vector(0x1p63f)), null, Map.of("l", DType.I64)));
        assertTrue(e.getMessage().contains("I64"), e.getMessage());
        SafeTensors.write(f, Map.of("l", Tensor.vector(-0x1p63f)), null, Map.of("l", DType.I64));
        assertEquals(-0x1p63f, SafeTensors.read(f).tensors().get("l").item());
    }

    @Test
    void overwritesAtomicallyAndHonoursTheUmask() throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.vector(1)));
        SafeTensors.write(f, Map.of("w", Tensor.vector(2), "v", Tensor.vector(3)));
        var back = SafeTensors.read(f).tensors();
        assertEquals(2f, back.get("w").item());
        assertEquals(3f, back.get("v").item());
        assertEquals(List.of(f), filesIn(dir));
        if (f.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // a plain new file would get the umask's group/other bits; createTempFile's 0600 would drop them
            Path plain = Files.writeString(dir.resolve("plain"), "x");
            var expected = Files.getPosixFilePermissions(plain);
            assertEquals(expected, Files.getPosixFilePermissions(f));
            assertTrue(expected.contains(PosixFilePermission.OWNER_READ));
        }
    }

    @Test
    void writeFailsCleanlyOnADirectoryTarget() throws IOException {
        Path target = Files.createDirectory(dir.resolve("taken"));
        Files.writeString(target.resolve("inside"), "keep");
        assertThrows(IOException.class, () -> SafeTensors.write(target, Map.of("w", Tensor.vector(1))));
        assertEquals("keep", Files.readString(target.resolve("inside")));
        assertEquals(List.of(target), filesIn(dir));
    }

    @Test
    void writerRejectsBadArguments() {
        Path f = dir.resolve("x.safetensors");
        var t = Tensor.vector(1);
        assertBad(() -> SafeTensors.write(f, Map.of("__metadata__", t)), "reserved");
        assertBad(() -> SafeTensors.write(f, Map.of("a", t), null, Map.of("b", DType.I64)), "\"b\", which is not among the tensors");
        assertBad(() -> SafeTensors.write(f, Map.of("a", t), null, Map.of("a", DType.F16)), "cannot write dtype F16");
        var withNull = new LinkedHashMap<String, Tensor>();
        withNull.put("n", null);
        assertBad(() -> SafeTensors.write(f, withNull), "\"n\" is null");
        var nullMeta = new LinkedHashMap<String, String>();
        nullMeta.put("k", null);
        assertBad(() -> SafeTensors.write(f, Map.of("a", t), nullMeta), "must not be null");
        assertBad(() -> SafeTensors.write(f, Map.of("bad\uD800", t)), "unpaired surrogate");
        assertBad(() -> SafeTensors.write(f, Map.of("a", t), Map.of("k\uDC00", "v")), "unpaired surrogate");
        assertFalse(Files.exists(f));
    }

    private void assertBad(org.junit.jupiter.api.function.Executable call, String fragment) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().contains("x.safetensors"), e.getMessage());
    }

    @Test
    void emptyFileOfTensors() throws IOException {
        Path f = dir.resolve("none.safetensors");
        SafeTensors.write(f, Map.of(), Map.of("only", "metadata"));
        var back = SafeTensors.read(f);
        assertTrue(back.tensors().isEmpty());
        assertEquals(Map.of("only", "metadata"), back.metadata());
        SafeTensors.write(f, Map.of());
        assertEquals(16, Files.size(f), "8-byte length + \"{}\" padded to 8");
        assertTrue(SafeTensors.read(f).tensors().isEmpty());
    }

    @Test
    void readerListsEntriesAndLoadsOnDemand() throws IOException {
        var tensors = new LinkedHashMap<String, Tensor>();
        tensors.put("w", Tensor.randn(new Rng(1), 3, 4));
        tensors.put("b", Tensor.vector(1, 2, 3));
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, tensors, Map.of("epoch", "7"));
        try (var r = SafeTensors.open(f)) {
            assertEquals(f, r.path());
            assertEquals(List.of("w", "b"), r.entries().stream().map(SafeTensors.Entry::name).toList());
            var w = r.entry("w");
            assertEquals(DType.F32, w.dtype());
            assertArrayEquals(new int[] {3, 4}, w.shape());
            assertEquals(12, w.numel());
            assertEquals(48, w.byteSize());
            assertEquals(60, r.dataBytes());
            assertEquals(Files.size(f) - 8 - 60, r.headerBytes());
            assertEquals(Map.of("epoch", "7"), r.metadata());
            assertTrue(r.contains("b") && !r.contains("c"));
            assertSameTensor("b", tensors.get("b"), r.load("b"));
            assertSameTensor("w", tensors.get("w"), r.load("w"));
            var e = assertThrows(SafeTensorsException.class, () -> r.load("nope"));
            assertEquals("nope", e.tensor());
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("\"nope\": no such tensor")
                    && e.getMessage().contains("\"w\", \"b\""), e.getMessage());
        }
        var closed = SafeTensors.open(f);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.load("w"));
    }

    @Test
    void smallMappingChunksGiveTheSameTensors() throws IOException {
        // elements straddle chunk boundaries at every chunk size below; the F64/I64 data starts unaligned
        var tensors = new LinkedHashMap<String, Tensor>();
        tensors.put("odd", Tensor.randn(new Rng(3), 3));
        tensors.put("big", Tensor.randn(new Rng(4), 7, 13));
        tensors.put("labels", Tensor.vector(1, 2, 3, 4, 5, 6, 7));
        tensors.put("empty", Tensor.zeros(0, 2));
        tensors.put("tail", Tensor.randn(new Rng(5), 5));
        Path f = dir.resolve("c.safetensors");
        SafeTensors.write(f, tensors, null, Map.of("labels", DType.I64));
        Path mixed = Path.of(resource("dtypes.safetensors"));
        for (Path file : List.of(f, mixed)) {
            Map<String, Tensor> reference;
            try (var r = SafeTensors.open(file)) {
                reference = r.loadAll();
            }
            for (long chunk : new long[] {8, 9, 12, 13, 16, 40, 64, 1000}) {
                try (var r = SafeTensors.open(file, chunk)) {
                    for (var e : reference.entrySet()) assertSameTensor(file.getFileName() + " chunk " + chunk + " " + e.getKey(), e.getValue(), r.load(e.getKey()));
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.open(f, 7));
    }

    static java.net.URI resource(String name) {
        try {
            var url = SafeTensorsTest.class.getResource("/safetensors/" + name);
            if (url == null) throw new IllegalStateException("missing test resource /safetensors/" + name);
            return url.toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void halfToFloatMatchesTheJdkOnAllNonNaNAndKeepsNaNPayloads() {
        int nan = 0;
        for (int h = 0; h < 65536; h++) {
            float ours = SafeTensors.Reader.halfToFloat((short) h);
            if (((h >> 10) & 0x1F) == 0x1F && (h & 0x3FF) != 0) {
                nan++;
                int expected = (h & 0x8000) << 16 | 0x7F800000 | (h & 0x3FF) << 13;
                assertEquals(expected, Float.floatToRawIntBits(ours), "NaN half 0x" + Integer.toHexString(h));
            } else {
                assertEquals(Float.floatToRawIntBits(Float.float16ToFloat((short) h)), Float.floatToRawIntBits(ours), "half 0x" + Integer.toHexString(h));
            }
        }
        assertEquals(2 * 1023, nan);
        assertEquals(0x1p-24f, SafeTensors.Reader.halfToFloat((short) 0x0001));
        assertEquals(-0x1.ff8p-15f, SafeTensors.Reader.halfToFloat((short) 0x83FF));
        assertEquals(65504f, SafeTensors.Reader.halfToFloat((short) 0x7BFF));
    }
}
