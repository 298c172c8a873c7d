package io.mater.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void parsesNestedValuesKeepingKeyOrder() {
        Object v = Json.parse(" {\"z\": [1, -2.5, \"s\", true, false, null, {}, []],\n\t\"a\": {\"b\": {\"c\": 3}}, \"m\": 0}\r\n");
        var obj = Json.asObject(v, "doc");
        assertEquals(List.of("z", "a", "m"), new ArrayList<>(obj.keySet()));
        var z = Json.asArray(obj.get("z"), "z");
        assertEquals(Arrays.asList(1L, -2.5, "s", true, false, null, Map.of(), List.of()), z);
        assertEquals(3L, Json.asObject(Json.asObject(obj.get("a"), "a").get("b"), "b").get("c"));
        assertEquals(0L, obj.get("m"));
        assertInstanceOf(LinkedHashMap.class, obj);
    }

    @Test
    void topLevelScalars() {
        assertEquals("x", Json.parse("\"x\""));
        assertEquals(12L, Json.parse(" 12 "));
        assertNull(Json.parse("null"));
        assertEquals(true, Json.parse("true"));
    }

    @Test
    void stringEscapes() {
        assertEquals("\"\\/\b\f\n\r\t", Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
        assertEquals("A\u00e9\u6743\u0000\u001f", Json.parse("\"\\u0041\\u00E9\\u6743\\u0000\\u001F\""));
        assertEquals("\uD83D\uDE00", Json.parse("\"\\ud83d\\ude00\""));      // surrogate pair -> U+1F600
        assertEquals("😀x", Json.parse("\"\\uD83D\\uDE00x\""));
        assertEquals("raw ü 权 😀", Json.parse("\"raw ü 权 😀\""));            // non-ASCII text needs no escape
        assertEquals("😀".codePointAt(0), ((String) Json.parse("\"\\ud83d\\ude00\"")).codePointAt(0));
    }

    @Test
    void numbers() {
        assertEquals(0L, Json.parse("0"));
        assertEquals(0L, Json.parse("-0"));
        assertEquals(-123L, Json.parse("-123"));
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(new BigInteger("9223372036854775808"), Json.parse("9223372036854775808"));
        assertEquals(new BigInteger("-9223372036854775809"), Json.parse("-9223372036854775809"));
        assertEquals(new BigInteger("123456789012345678901234567890"), Json.parse("123456789012345678901234567890"));
        assertEquals(1.5, Json.parse("1.5"));
        assertEquals(1000.0, Json.parse("1e3"));
        assertEquals(1000.0, Json.parse("1E+3"));
        assertEquals(-0.0015, Json.parse("-1.5e-3"));
        assertEquals(2.0, Json.parse("2.0"));
        assertEquals(0.1, Json.parse("0.1"));                             // correctly rounded
        assertEquals(4.9e-324, Json.parse("4.9e-324"));
        assertEquals(0.0, Json.parse("1e-400"));                          // underflow is fine
        assertEquals(Double.MAX_VALUE, Json.parse("1.7976931348623157e308"));
    }

    @Test
    void typedGettersCheckRanges() {
        assertEquals(Long.MAX_VALUE, Json.asLong(Json.parse("9223372036854775807"), "n"));
        var e = assertThrows(IllegalArgumentException.class, () -> Json.asLong(Json.parse("9223372036854775808"), "offsets[1]"));
        assertTrue(e.getMessage().contains("offsets[1]") && e.getMessage().contains("9223372036854775808"), e.getMessage());
        assertEquals(Integer.MAX_VALUE, Json.asInt(Json.parse("2147483647"), "n"));
        assertEquals(Integer.MIN_VALUE, Json.asInt(Json.parse("-2147483648"), "n"));
        e = assertThrows(IllegalArgumentException.class, () -> Json.asInt(Json.parse("2147483648"), "dim"));
        assertTrue(e.getMessage().contains("dim") && e.getMessage().contains("32-bit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.asLong(Json.parse("2.0"), "layers"));
        assertTrue(e.getMessage().contains("layers must be an integer") && e.getMessage().contains("2.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.asLong(Json.parse("\"3\""), "epochs"));
        assertTrue(e.getMessage().contains("got a string \"3\""), e.getMessage());
        assertEquals(3.0, Json.asDouble(Json.parse("3"), "lr"));
        assertEquals(1e-3, Json.asDouble(Json.parse("1e-3"), "lr"));
        assertThrows(IllegalArgumentException.class, () -> Json.asString(Json.parse("null"), "name"));
        assertThrows(IllegalArgumentException.class, () -> Json.asObject(Json.parse("[]"), "cfg"));
        assertThrows(IllegalArgumentException.class, () -> Json.asArray(Json.parse("{}"), "xs"));
        assertThrows(IllegalArgumentException.class, () -> Json.asBoolean(Json.parse("1"), "flag"));
    }

    /** Input -> a fragment the error message must contain. */
    private static Json.ParseException rejects(String text, String fragment) {
        var e = assertThrows(Json.ParseException.class, () -> Json.parse(text), text);
        assertTrue(e.getMessage().contains(fragment), "'" + text + "' -> " + e.getMessage());
        return e;
    }

    @Test
    void rejectsNonStrictSyntax() {
        rejects("", "empty input");
        rejects("   ", "empty input");
        rejects("[1,]", "expected a value");
        rejects("[1,,2]", "expected a value");
        rejects("{\"a\":1,}", "expected a string key");
        rejects("{\"a\" 1}", "expected ':'");
        rejects("{a:1}", "expected a string key");
        rejects("{'a':1}", "expected a string key");
        rejects("['a']", "expected a value");
        rejects("[1] // c", "comments");
        rejects("/* c */ 1", "comments");
        rejects("[1 2]", "expected ',' or ']'");
        rejects("{\"a\":1 \"b\":2}", "expected ',' or '}'");
        rejects("[1", "unterminated array");
        rejects("{\"a\":1", "unterminated object");
        rejects("\"abc", "unterminated string");
        rejects("1 2", "after the JSON value");
        rejects("{} x", "after the JSON value");
        rejects("tru", "expected 'true'");
        rejects("True", "expected a value");
        rejects("nul", "expected 'null'");
        rejects("\uFEFF{}", "byte-order mark");
        rejects("\u000B1", "expected a value");                          // vertical tab is not JSON whitespace
        rejects("\u00A01", "expected a value");                          // nor is NBSP
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "-01", "00", "+1", ".5", "1.", "1.e3", "-", "-a", "1e", "1e+", "0x10", "NaN", "-NaN",
            "Infinity", "-Infinity", "1e400", "-1e400", "[1.5.2]", "١"})
    void rejectsBadNumbers(String text) {
        assertThrows(Json.ParseException.class, () -> Json.parse(text), text);
    }

    @Test
    void rejectsBadStrings() {
        rejects("\"a\nb\"", "raw control character U+000A");
        rejects("\"a\tb\"", "raw control character U+0009");
        rejects("\"\u0000\"", "raw control character U+0000");
        rejects("\"\\x41\"", "invalid escape '\\x'");
        rejects("\"\\'\"", "invalid escape");
        rejects("\"\\u12\"", "truncated \\u escape");
        rejects("\"\\u12\"   ", "invalid \\u escape");
        rejects("\"\\u12G4\"", "invalid \\u escape");
        rejects("\"\\u١٢٣٤\"", "invalid \\u escape");                       // Arabic-Indic digits are not hex
        rejects("\"\\u00", "truncated \\u escape");
        rejects("\"\\", "unterminated escape");
        rejects("\"\\ud83d\"", "unpaired surrogate \\uD83D");
        rejects("\"\\ud83dx\"", "unpaired surrogate \\uD83D");
        rejects("\"\\ud83d\\u0041\"", "followed by \\u0041");
        rejects("\"\\ude00\"", "unpaired surrogate \\uDE00");
        rejects("\"\uD83D\"", "unpaired surrogate U+D83D");              // raw lone surrogates in a Java string
        rejects("\"\uDE00\"", "unpaired surrogate U+DE00");
    }

    @Test
    void rejectsDuplicateKeysEvenWhenSpelledDifferently() {
        var e = rejects("{\"w\": 1, \"w\": 2}", "duplicate key \"w\"");
        assertEquals(9, e.offset());
        rejects("{\"a\": 1, \"\\u0061\": 2}", "duplicate key \"a\"");
        assertEquals(Map.of("a", Map.of("a", 1L)), Json.parse("{\"a\": {\"a\": 1}}"));  // same key at different levels is fine
    }

    @Test
    void errorsReportLineAndColumn() {
        var e = rejects("{\n  \"a\": 1,\n  \"b\": tru\n}", "expected 'true'");
        assertEquals(3, e.line());
        assertEquals(8, e.column());
        assertEquals(19, e.offset());
        assertTrue(e.getMessage().contains("line 3, column 8 (offset 19)"), e.getMessage());
    }

    @Test
    void limitsNestingDepthWithoutStackOverflow() {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertInstanceOf(List.class, Json.parse(ok));
        rejects("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1), "nesting deeper than " + Json.MAX_DEPTH);
        rejects("[".repeat(100_000), "nesting deeper");
        rejects("{\"a\":".repeat(100_000), "nesting deeper");
    }

    @Test
    void strictUtf8() {
        assertEquals("é", Json.parse("\"é\"".getBytes(StandardCharsets.UTF_8)));
        assertEquals("😀", Json.parse(new byte[] {'"', (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80, '"'}));
        byte[][] bad = {
            {'"', (byte) 0xC3, '(', '"'},                              // truncated 2-byte sequence
            {'"', (byte) 0xC0, (byte) 0xAF, '"'},                      // overlong '/'
            {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},         // UTF-8-encoded surrogate (CESU)
            {'"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'}, // above U+10FFFF
            {'"', (byte) 0xFF, '"'},
            {'"', 'a', (byte) 0xE2, (byte) 0x82},                      // truncated at end of input
        };
        for (byte[] b : bad) {
            var e = assertThrows(Json.ParseException.class, () -> Json.parse(b), Arrays.toString(b));
            assertTrue(e.getMessage().contains("invalid UTF-8"), e.getMessage());
            assertEquals(b[1] == 'a' ? 2 : 1, e.offset(), e.getMessage());
        }
        var e = assertThrows(Json.ParseException.class, () -> Json.parse(new byte[] {'\n', '[', '\n', ' ', (byte) 0x80}));
        assertEquals(3, e.line());
        assertEquals(2, e.column());
    }

    @Test
    void writesCompactJsonWithEscapes() {
        var m = new LinkedHashMap<String, Object>();
        m.put("s", "q\"b\\s/\n\r\t\b\f\u0001\u001f ü 😀");
        m.put("n", Arrays.asList(1, 2L, (short) 3, (byte) 4, new BigInteger("123456789012345678901"), 0.5, 0.1f, 1e-7, -0.0, null, true));
        m.put("e", Map.of());
        m.put("l", List.of());
        m.put("arr", new int[] {1, 2});
        m.put("la", new long[] {Long.MIN_VALUE});
        m.put("fa", new float[] {0.1f, 1f});
        m.put("da", new double[] {2.5});
        m.put("ba", new boolean[] {false});
        m.put("oa", new Object[] {"x", null});
        assertEquals("{\"s\":\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001F ü 😀\","
                + "\"n\":[1,2,3,4,123456789012345678901,0.5,0.1,1.0E-7,-0.0,null,true],"
                + "\"e\":{},\"l\":[],\"arr\":[1,2],\"la\":[-9223372036854775808],\"fa\":[0.1,1.0],\"da\":[2.5],"
                + "\"ba\":[false],\"oa\":[\"x\",null]}", Json.write(m));
    }

    @Test
    void writesPrettyJson() {
        var m = new LinkedHashMap<String, Object>();
        m.put("name", "mater");
        m.put("dims", List.of(1, 2, 3));
        m.put("layers", List.of(Map.of("d", 64), List.of()));
        m.put("empty", Map.of());
        assertEquals("""
                {
                  "name": "mater",
                  "dims": [1, 2, 3],
                  "layers": [
                    {
                      "d": 64
                    },
                    []
                  ],
                  "empty": {}
                }""", Json.writePretty(m));
    }

    @Test
    void writeRejectsWhatJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Float.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(new double[] {1, Double.NEGATIVE_INFINITY})));
        var e = assertThrows(IllegalArgumentException.class, () -> Json.write("a\uD800b"));
        assertTrue(e.getMessage().contains("unpaired surrogate U+D800"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.write("\uDC00"));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        var cyclic = new ArrayList<Object>();
        cyclic.add(cyclic);
        var c = assertThrows(IllegalArgumentException.class, () -> Json.write(cyclic));
        assertTrue(c.getMessage().contains("cycle"), c.getMessage());
    }

    @Test
    void writeThenParseIsIdentity() {
        var m = new LinkedHashMap<String, Object>();
        m.put("ctl", "\u0000\u0007\u001b\u007f\u2028");
        m.put("big", new BigInteger("-99999999999999999999999"));
        m.put("x", Arrays.asList(Long.MAX_VALUE, Long.MIN_VALUE, Double.MIN_VALUE, -Double.MAX_VALUE, 1.0 / 3, null, "😀", Map.of("k", List.of())));
        m.put("", "empty key");
        assertEquals(m, Json.parse(Json.write(m)));
        assertEquals(m, Json.parse(Json.writePretty(m)));
        assertEquals(m, Json.parse(Json.write(m).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void fileRoundTripAndErrorNamesFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("config.json");
        Json.write(f, Map.of("d", 64));
        assertEquals("{\n  \"d\": 64\n}\n", Files.readString(f));
        assertEquals(Map.of("d", 64L), Json.read(f));
        Files.writeString(f, "{\"d\": 64,}");
        var e = assertThrows(java.io.IOException.class, () -> Json.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("line 1, column 10"), e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());                       // no temp file left behind
        }
    }
}
