package io.mater.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Corrupt and hostile files, built byte by byte: each must fail with a clear message naming file and tensor. */
class SafeTensorsMalformedTest {
    @TempDir
    Path dir;

    private static final String A4 = "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";

    /** 8-byte little-endian length, header bytes, data. */
    static byte[] file(byte[] header, long declaredLength, byte[] data) {
        var b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(declaredLength).put(header).put(data).array();
    }

    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(h, h.length, new byte[dataBytes]);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Reading f fails with a SafeTensorsException about tensor (null: the whole file) whose message contains fragment. */
    private static SafeTensorsException assertFails(Path f, String tensor, String fragment) {
        var e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(f));
        String m = e.getMessage();
        assertTrue(m.startsWith(f + ": "), "message names the file: " + m);
        assertEquals(f, e.file());
        assertEquals(tensor, e.tensor(), m);
        if (tensor != null) assertTrue(m.contains("tensor " + SafeTensorsException.quote(tensor) + ": "), "message names the tensor: " + m);
        assertTrue(m.contains(fragment), "expected '" + fragment + "' in: " + m);
        // open() validates the header eagerly: the same error without loading anything
        if (!m.contains(" element ")) assertThrows(SafeTensorsException.class, () -> SafeTensors.open(f).close());
        return e;
    }

    static Stream<Arguments> badHeaders() {
        String t = "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        return Stream.of(
                // label, header JSON, data bytes, tensor named in the error (null: file level), message fragment
                Arguments.of("empty header", "", 0, null, "bad JSON header: empty input"),
                Arguments.of("not JSON", "hello", 0, null, "bad JSON header"),
                Arguments.of("trailing comma", "{" + A4 + ",}", 4, null, "expected a string key"),
                Arguments.of("comment", "{" + A4 + "}//x", 4, null, "comments are not allowed"),
                Arguments.of("NUL padding", "{" + A4 + "}\u0000\u0000\u0000", 4, null, "after the JSON value"),
                Arguments.of("array", "[]", 0, null, "header must be a JSON object, got an array"),
                Arguments.of("string", "\"x\"", 0, null, "header must be a JSON object, got a string"),
                Arguments.of("duplicate name", "{" + A4 + "," + A4 + "}", 4, null, "duplicate key \"a\""),
                Arguments.of("duplicate via escape", "{" + A4 + "," + A4.replace("\"a\"", "\"\\u0061\"") + "}", 4, null, "duplicate key \"a\""),
                Arguments.of("entry not object", "{\"a\":[1]}", 0, "a", "entry must be an object with dtype, shape and data_offsets, got an array"),
                Arguments.of("entry null", "{\"a\":null}", 0, "a", "got null"),
                Arguments.of("no dtype", "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "a", "entry has no \"dtype\""),
                Arguments.of("no shape", "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "a", "entry has no \"shape\""),
                Arguments.of("no offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "a", "entry has no \"data_offsets\""),
                Arguments.of("extra field", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"offset\":0}}", 4, "a", "unexpected field \"offset\""),
                Arguments.of("dtype number", "{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "a", "dtype must be a string, got an integer 4"),
                Arguments.of("dtype lower case", "{\"a\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "a", "unsupported dtype \"f32\""),
                Arguments.of("dtype unknown", "{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4, "a", "unsupported dtype \"F8_E4M3\" (supported: [F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL])"),
                Arguments.of("shape not array", "{\"a\":{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}}", 4, "a", "shape must be an array, got an integer 1"),
                Arguments.of("shape negative", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,4]}}", 4, "a", "shape[1] is negative: -1"),
                Arguments.of("shape fraction", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4, "a", "shape[0] must be an integer, got a number 1.5"),
                Arguments.of("shape 2.0", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8, "a", "shape[0] must be an integer"),
                Arguments.of("shape string", "{\"a\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", 8, "a", "shape[0] must be an integer, got a string \"2\""),
                Arguments.of("dim above int", "{\"a\":{\"dtype\":\"U8\",\"shape\":[2147483648],\"data_offsets\":[0,4]}}", 4, "a", "shape[0] = 2147483648 is larger than 2^31 - 1"),
                Arguments.of("dim above long", "{\"a\":{\"dtype\":\"U8\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", 4, "a", "shape[0] must be a 64-bit integer"),
                Arguments.of("numel overflow", "{\"a\":{\"dtype\":\"U8\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,4]}}", 4, "a", "needs 2^63 bytes or more"),
                Arguments.of("bytes overflow", "{\"a\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2],\"data_offsets\":[0,4]}}", 4, "a", "needs 2^63 bytes or more"),
                Arguments.of("offsets one", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}", 4, "a", "data_offsets must be [begin, end], got 1 numbers"),
                Arguments.of("offsets three", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,4]}}", 4, "a", "got 3 numbers"),
                Arguments.of("offsets string", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\"0,4\"}}", 4, "a", "data_offsets must be an array"),
                Arguments.of("offset fraction", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0.0,4]}}", 4, "a", "data_offsets[0] must be an integer"),
                Arguments.of("offset huge", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551620]}}", 4, "a", "data_offsets[1] must be a 64-bit integer"),
                Arguments.of("offset negative", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4, "a", "must not be negative"),
                Arguments.of("begin after end", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4, "a", "begin is after end"),
                Arguments.of("end beyond file", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "a", "reach beyond the data buffer, which has 4 bytes"),
                Arguments.of("huge tensor, small file", "{\"a\":{\"dtype\":\"F32\",\"shape\":[100000,100000],\"data_offsets\":[0,40000000000]}}", 4, "a", "reach beyond"),
                Arguments.of("size mismatch", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "a", "span 4 bytes but shape [2] of F32 needs 8"),
                Arguments.of("size mismatch dtype", "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "a", "span 8 bytes but shape [2] of F16 needs 4"),
                Arguments.of("overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "b", "data_offsets [4, 12) overlap those of tensor \"a\" [0, 8)"),
                Arguments.of("same bytes twice", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "b", "overlap those of tensor \"a\""),
                Arguments.of("empty inside another", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}", 8, "e", "overlap"),
                Arguments.of("hole", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12, "b", "bytes [4, 8) of the data buffer before this tensor belong to no tensor"),
                Arguments.of("hole at start", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "a", "bytes [0, 4)"),
                Arguments.of("trailing bytes", "{" + A4 + "}", 8, null, "the data buffer has 8 bytes but the tensors cover only the first 4 (4 trailing bytes belong to no tensor)"),
                Arguments.of("data but no tensors", "{}", 3, null, "3 trailing bytes"),
                Arguments.of("metadata array", "{\"__metadata__\":[],\"t\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4, null, "__metadata__ must be an object of strings, got an array"),
                Arguments.of("metadata null", "{\"__metadata__\":null}", 0, null, "__metadata__ must be an object of strings, got null"),
                Arguments.of("metadata number", "{\"__metadata__\":{\"epoch\":3}," + t.substring(1), 8, null, "__metadata__ value of \"epoch\" must be a string, got an integer"),
                Arguments.of("metadata nested", "{\"__metadata__\":{\"cfg\":{}}}", 0, null, "__metadata__ value of \"cfg\" must be a string, got an object"),
                Arguments.of("weird name is quoted", "{\"a\\nb\\\"c\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, "a\nb\"c", "tensor \"a\\u000Ab\\\"c\": data_offsets [0, 8] span 8 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void rejectsBadHeader(String label, String header, int dataBytes, String tensor, String fragment) throws IOException {
        Path f = write(label.replace(' ', '_') + ".safetensors", file(header, dataBytes));
        assertFails(f, tensor, fragment);
    }

    @Test
    void rejectsBadLengthField() throws IOException {
        assertFails(write("empty.safetensors", new byte[0]), null, "file is 0 bytes; a safetensors file starts with an 8-byte header length");
        assertFails(write("seven.safetensors", new byte[7]), null, "file is 7 bytes");
        byte[] h = "{}".getBytes(StandardCharsets.UTF_8);
        assertFails(write("over-limit.safetensors", file(h, 100_000_001L, new byte[0])), null, "header length 100000001 exceeds the limit of 100000000 bytes");
        assertFails(write("top-bit.safetensors", file(h, -1L, new byte[0])), null, "header length 18446744073709551615 exceeds the limit");
        assertFails(write("beyond-file.safetensors", file(h, 1000, new byte[8])), null, "header length 1000 is larger than the 10 bytes after the length field");
        assertFails(write("zero-length.safetensors", file(h, 0, new byte[0])), null, "empty input");  // header "", then 2 stray bytes
        // an honest length field over a header that is cut short
        assertFails(write("short.safetensors", file(h, 3, new byte[0])), null, "larger than the 2 bytes");
    }

    @Test
    void rejectsInvalidUtf8InTheHeader() throws IOException {
        byte[] h = "{\"a\u00e9\":{}}".getBytes(StandardCharsets.UTF_8);
        h[3] = (byte) 0xC3;
        h[4] = (byte) 0x28; // C3 28: a lead byte without its continuation
        var e = assertFails(write("utf8.safetensors", file(h, h.length, new byte[0])), null, "invalid UTF-8 (byte 0xC3)");
        assertTrue(e.getMessage().contains("offset 3"), e.getMessage());
        byte[] overlong = {'{', '"', (byte) 0xC0, (byte) 0xAF, '"', ':', '1', '}'};
        assertFails(write("overlong.safetensors", file(overlong, overlong.length, new byte[0])), null, "invalid UTF-8");
    }

    @Test
    void zeroSizeTensorWithHugeDimsIsValid() throws IOException {
        Path f = write("zero.safetensors", file("{\"z\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,0],\"data_offsets\":[0,0]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}  ", 4));
        try (var r = SafeTensors.open(f)) {
            assertEquals(0, r.entry("z").numel());
            assertEquals(0, r.load("z").numel());
            assertArrayEquals(new int[] {2147483647, 2147483647, 2147483647, 0}, r.load("z").shape());
            assertEquals(0f, r.load("a").item());
        }
    }

    @Test
    void headerWhitespaceAndAnyOrderAreFine() throws IOException {
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).array();
        String header = "\n { \"b\" : {\"data_offsets\":[4,8], \"shape\":[1], \"dtype\":\"F32\"},\t\"__metadata__\":{},\r\n \"a\":{\"shape\":[],\"dtype\":\"F32\",\"data_offsets\":[0,4]} }   ";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        var c = SafeTensors.read(write("ws.safetensors", file(h, h.length, data)));
        assertEquals(java.util.List.of("b", "a"), java.util.List.copyOf(c.tensors().keySet()));
        assertEquals(-2f, c.tensors().get("b").item());
        assertEquals(1.5f, c.tensors().get("a").item());
        assertTrue(c.metadata().isEmpty());
    }

    // ------------------------------------------------------------------ values that cannot be read as float32

    private Path intFile(String name, String dtype, ByteBuffer values, int count) throws IOException {
        byte[] data = values.array();
        String h = "{\"ok\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"" + name + "\":{\"dtype\":\"" + dtype
                + "\",\"shape\":[" + count + "],\"data_offsets\":[4," + (4 + data.length) + "]}}";
        byte[] hb = h.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[4 + data.length];
        System.arraycopy(data, 0, all, 4, data.length);
        return write(name + ".safetensors", file(hb, hb.length, all));
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void integersThatFloat32CannotHoldExactlyAreErrors() throws IOException {
        Path f = intFile("labels", "I64", le(24).putLong(3).putLong(16777217L).putLong(0), 3);
        assertFails(f, "labels", "I64 element [1] = 16777217 cannot be represented exactly as float32");
        try (var r = SafeTensors.open(f)) {          // the header is fine: other tensors still load
            assertEquals(0f, r.load("ok").item());
            assertThrows(SafeTensorsException.class, () -> r.load("labels"));
        }
        assertFails(intFile("max", "I64", le(8).putLong(Long.MAX_VALUE), 1), "max", "= 9223372036854775807 cannot be represented");
        assertFails(intFile("near", "I64", le(16).putLong(1L << 62).putLong((1L << 62) + 1), 2), "near", "[1] = 4611686018427387905");
        assertFails(intFile("i32", "I32", le(8).putInt(-16777216).putInt(Integer.MAX_VALUE), 2), "i32", "I32 element [1] = 2147483647");
        assertFails(intFile("i32b", "I32", le(4).putInt(-16777217), 1), "i32b", "= -16777217");
        assertFails(intFile("mask", "BOOL", le(3).put((byte) 1).put((byte) 0).put((byte) 2), 3), "mask", "BOOL element [2] has byte value 2; only 0 and 1 are valid");
        // the extremes that are exact do load
        var ok = SafeTensors.read(intFile("fine", "I64", le(24).putLong(Long.MIN_VALUE).putLong(1L << 62).putLong(-16777216), 3));
        assertArrayEquals(new float[] {-0x1p63f, 0x1p62f, -16777216f}, ok.tensors().get("fine").toArray());
    }

    @Test
    void multiDimensionalElementIndexInMessages() throws IOException {
        byte[] data = le(48).putLong(0).putLong(1).putLong(2).putLong(3).putLong(4).putLong(1L + (1L << 53)).array();
        String h = "{\"y\":{\"dtype\":\"I64\",\"shape\":[2,3],\"data_offsets\":[0,48]}}";
        byte[] hb = h.getBytes(StandardCharsets.UTF_8);
        assertFails(write("y.safetensors", file(hb, hb.length, data)), "y", "I64 element [1, 2] (flat 5) = 9007199254740993");
    }
}
