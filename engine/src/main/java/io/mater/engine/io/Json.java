package io.mater.engine.io;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON (RFC 8259) parser and writer with plain Java values:
 *
 * <pre>
 *   JSON        Java
 *   object      LinkedHashMap&lt;String, Object&gt;  (key order kept; duplicate keys are an error)
 *   array       ArrayList&lt;Object&gt;
 *   string      String
 *   integer     Long, or BigInteger when it does not fit a long   (no fraction, no exponent: 12, -3)
 *   other num   Double                                          (1.5, 1e3, 2.0; out of double range is an error)
 *   true/false  Boolean
 *   null        null
 * </pre>
 *
 * Strict: no comments, trailing commas, single quotes, NaN/Infinity, leading zeros, raw control characters
 * or unpaired surrogates in strings, byte-order marks or invalid UTF-8; nesting is limited to {@link #MAX_DEPTH}.
 * Errors are {@link ParseException}s with the line, column and offset. The typed getters ({@link #asLong},
 * {@link #asInt}, ...) check a parsed value's type and range: {@code asLong} accepts only integer literals that
 * fit a long (so {@code 2.0} and {@code 1e3} are not integers here).
 */
public final class Json {
    private Json() {}

    /** Deepest nesting of arrays/objects accepted by the parser and the writer. */
    public static final int MAX_DEPTH = 256;

    // ================================================================== parsing

    /** A syntax error, with its position in the input (offset in chars, or in bytes for invalid UTF-8). */
    public static final class ParseException extends IllegalArgumentException {
        private final long offset;
        private final int line, column;

        ParseException(String message, long offset, int line, int column) {
            super(message + " at line " + line + ", column " + column + " (offset " + offset + ")");
            this.offset = offset;
            this.line = line;
            this.column = column;
        }

        public long offset() { return offset; }
        /** 1-based line. */
        public int line() { return line; }
        /** 1-based column (in chars; for invalid UTF-8, in bytes). */
        public int column() { return column; }
    }

    /** Parses one JSON value (surrounded by optional whitespace). */
    public static Object parse(String text) {
        return new Parser(text).parseDocument();
    }

    /** Parses UTF-8 bytes strictly: malformed UTF-8 is an error at its byte offset. */
    public static Object parse(byte[] utf8) {
        return parse(decodeUtf8(utf8));
    }

    /** Reads and parses a JSON file; errors name the file. */
    public static Object read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return parse(bytes);
        } catch (ParseException e) {
            throw new IOException(file + ": invalid JSON: " + e.getMessage(), e);
        }
    }

    /** Strict UTF-8 decoding (rejects overlong forms, encoded surrogates, code points above U+10FFFF, truncation). */
    static String decodeUtf8(byte[] utf8) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8);
        CharBuffer out = CharBuffer.allocate(utf8.length);
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) r = dec.flush(out);
        if (r.isError()) {
            int at = in.position();
            int line = 1, lineStart = 0;
            for (int i = 0; i < at; i++) if (utf8[i] == '\n') { line++; lineStart = i + 1; }
            throw new ParseException("invalid UTF-8 (byte 0x" + String.format("%02X", utf8[at] & 0xFF) + ")", at, line, at - lineStart + 1);
        }
        out.flip();
        return out.toString();
    }

    private static final class Parser {
        private final String s;
        private int pos;
        private int depth;

        Parser(String s) {
            this.s = s;
        }

        Object parseDocument() {
            if (!s.isEmpty() && s.charAt(0) == '\uFEFF') throw error("byte-order mark is not allowed", 0);
            skipWhitespace();
            if (pos == s.length()) throw error("empty input, expected a JSON value", pos);
            Object v = parseValue();
            skipWhitespace();
            if (pos != s.length()) throw error("unexpected " + describe(pos) + " after the JSON value", pos);
            return v;
        }

        private Object parseValue() {
            if (pos >= s.length()) throw error("unexpected end of input, expected a value", pos);
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> parseObject();
                case '[' -> parseArray();
                case '"' -> parseString();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield parseNumber();
                    throw error("unexpected " + describe(pos) + ", expected a value", pos);
                }
            };
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) throw error("invalid literal, expected '" + word + "'", pos);
            pos += word.length();
            return value;
        }

        private Map<String, Object> parseObject() {
            enter();
            int start = pos++;
            var map = new LinkedHashMap<String, Object>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                depth--;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw pos >= s.length() ? error("unterminated object (opened at offset " + start + ")", pos)
                            : error("expected a string key, got " + describe(pos), pos);
                }
                int keyAt = pos;
                String key = parseString();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                Object value = parseValue();
                if (map.containsKey(key)) throw error("duplicate key \"" + key + "\"", keyAt);
                map.put(key, value);
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == '}') {
                    pos++;
                    depth--;
                    return map;
                } else {
                    throw pos >= s.length() ? error("unterminated object (opened at offset " + start + ")", pos)
                            : error("expected ',' or '}' in object, got " + describe(pos), pos);
                }
            }
        }

        private List<Object> parseArray() {
            enter();
            int start = pos++;
            var list = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                depth--;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(parseValue());
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == ']') {
                    pos++;
                    depth--;
                    return list;
                } else {
                    throw pos >= s.length() ? error("unterminated array (opened at offset " + start + ")", pos)
                            : error("expected ',' or ']' in array, got " + describe(pos), pos);
                }
            }
        }

        private void enter() {
            if (++depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH, pos);
        }

        private String parseString() {
            int start = pos++;
            var sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) throw error("unterminated string (opened at offset " + start + ")", pos);
                char c = s.charAt(pos);
                if (c == '"') {
                    pos++;
                    return sb.toString();
                } else if (c == '\\') {
                    int escAt = pos;
                    if (pos + 1 >= s.length()) throw error("unterminated escape", escAt);
                    char e = s.charAt(pos + 1);
                    pos += 2;
                    switch (e) {
                        case '"' -> sb.append('"');
                        case '\\' -> sb.append('\\');
                        case '/' -> sb.append('/');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            char u = hex4(escAt);
                            if (Character.isHighSurrogate(u)) {
                                if (!s.startsWith("\\u", pos)) throw error("unpaired surrogate \\u" + hex(u) + " (expected a \\uDC00-\\uDFFF escape after it)", escAt);
                                pos += 2;
                                char lo = hex4(escAt);
                                if (!Character.isLowSurrogate(lo)) throw error("unpaired surrogate \\u" + hex(u) + " (followed by \\u" + hex(lo) + ")", escAt);
                                sb.append(u).append(lo);
                            } else if (Character.isLowSurrogate(u)) {
                                throw error("unpaired surrogate \\u" + hex(u), escAt);
                            } else {
                                sb.append(u);
                            }
                        }
                        default -> throw error("invalid escape '\\" + e + "'", escAt);
                    }
                } else if (c < 0x20) {
                    throw error("raw control character U+" + hex(c) + " in string (must be escaped)", pos);
                } else if (Character.isHighSurrogate(c)) {
                    if (pos + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(pos + 1))) throw error("unpaired surrogate U+" + hex(c), pos);
                    sb.append(c).append(s.charAt(pos + 1));
                    pos += 2;
                } else if (Character.isLowSurrogate(c)) {
                    throw error("unpaired surrogate U+" + hex(c), pos);
                } else {
                    sb.append(c);
                    pos++;
                }
            }
        }

        /** Reads the 4 hex digits of a \\u escape at pos; escAt (the backslash) is where errors point. */
        private char hex4(int escAt) {
            if (pos + 4 > s.length()) throw error("truncated \\u escape", escAt);
            int v = 0;
            for (int i = 0; i < 4; i++) {
                char c = s.charAt(pos + i);
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (d < 0) throw error("invalid \\u escape (expected 4 hex digits)", escAt);
                v = v * 16 + d;
            }
            pos += 4;
            return (char) v;
        }

        private Object parseNumber() {
            int start = pos;
            if (peek() == '-') pos++;
            if (peek() == '0') {
                pos++;
                if (isDigit(peek())) throw error("leading zeros are not allowed", start);
            } else if (isDigit(peek())) {
                while (isDigit(peek())) pos++;
            } else {
                throw error("expected a digit after '-'", pos);
            }
            boolean integer = true;
            if (peek() == '.') {
                integer = false;
                pos++;
                if (!isDigit(peek())) throw error("expected a digit after '.'", pos);
                while (isDigit(peek())) pos++;
            }
            if (peek() == 'e' || peek() == 'E') {
                integer = false;
                pos++;
                if (peek() == '+' || peek() == '-') pos++;
                if (!isDigit(peek())) throw error("expected a digit in the exponent", pos);
                while (isDigit(peek())) pos++;
            }
            String lit = s.substring(start, pos);
            if (integer) {
                // at most 18 digits always fit a long; longer literals are checked exactly
                if (lit.length() <= 18) return Long.parseLong(lit);
                var big = new BigInteger(lit);
                return big.bitLength() < 64 ? (Object) big.longValue() : big;
            }
            double d = Double.parseDouble(lit);
            if (Double.isInfinite(d)) throw error("number " + lit + " is out of the range of a double", start);
            return d;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private void expect(char c) {
            if (peek() != c) throw error("expected '" + c + "', got " + describe(pos), pos);
            pos++;
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : 0;
        }

        private void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
                else if (c == '/' && pos + 1 < s.length() && (s.charAt(pos + 1) == '/' || s.charAt(pos + 1) == '*')) throw error("comments are not allowed", pos);
                else break;
            }
        }

        private String describe(int at) {
            if (at >= s.length()) return "end of input";
            int cp = s.codePointAt(at);
            if (cp < 0x20 || cp == 0x7F) return "character U+" + hex(cp);
            return "'" + new String(Character.toChars(cp)) + "'";
        }

        private ParseException error(String message, int at) {
            int line = 1, lineStart = 0;
            for (int i = 0; i < at && i < s.length(); i++) if (s.charAt(i) == '\n') { line++; lineStart = i + 1; }
            return new ParseException(message, at, line, at - lineStart + 1);
        }
    }

    private static String hex(int c) {
        return String.format("%04X", c);
    }

    // ================================================================== typed access

    /** v as an object, or an IllegalArgumentException naming what. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object v, String what) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw typeError(what, "an object", v);
    }

    @SuppressWarnings("unchecked")
    public static List<Object> asArray(Object v, String what) {
        if (v instanceof List<?> l) return (List<Object>) l;
        throw typeError(what, "an array", v);
    }

    public static String asString(Object v, String what) {
        if (v instanceof String s) return s;
        throw typeError(what, "a string", v);
    }

    public static boolean asBoolean(Object v, String what) {
        if (v instanceof Boolean b) return b;
        throw typeError(what, "true or false", v);
    }

    /** An integer literal that fits a long. */
    public static long asLong(Object v, String what) {
        if (v instanceof Long l) return l;
        if (v instanceof BigInteger) throw new IllegalArgumentException(what + " must be a 64-bit integer, got " + v + " (too large)");
        throw typeError(what, "an integer", v);
    }

    /** An integer literal that fits an int. */
    public static int asInt(Object v, String what) {
        if (v instanceof Long l && l == l.intValue()) return l.intValue();
        if (v instanceof Long || v instanceof BigInteger) throw new IllegalArgumentException(what + " must be a 32-bit integer, got " + v + " (too large)");
        throw typeError(what, "an integer", v);
    }

    /** Any number, as the nearest double. */
    public static double asDouble(Object v, String what) {
        if (v instanceof Long l) return l;
        if (v instanceof Double d) return d;
        if (v instanceof BigInteger b) return b.doubleValue();
        throw typeError(what, "a number", v);
    }

    private static IllegalArgumentException typeError(String what, String expected, Object v) {
        return new IllegalArgumentException(what + " must be " + expected + ", got " + typeName(v) + (v == null || v instanceof Map || v instanceof List ? "" : " " + brief(v)));
    }

    static String typeName(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "an array";
        if (v instanceof String) return "a string";
        if (v instanceof Boolean) return "a boolean";
        if (v instanceof Long || v instanceof BigInteger) return "an integer";
        return "a number";
    }

    private static String brief(Object v) {
        String w = write(v);
        return w.length() <= 60 ? w : w.substring(0, 57) + "...";
    }

    // ================================================================== writing

    /**
     * Compact JSON. Accepts Map (String keys), Iterable, Object[], int[], long[], float[], double[], boolean[],
     * String, Boolean, integer types, BigInteger, BigDecimal, finite Float/Double (shortest round-trip form), null.
     * Non-ASCII characters are written as UTF-8 text; control characters, '"' and '\\' are escaped.
     */
    public static String write(Object value) {
        var sb = new StringBuilder();
        new Writer(sb, -1).value(value, 0);
        return sb.toString();
    }

    /** Indented by two spaces; arrays of scalars stay on one line. */
    public static String writePretty(Object value) {
        var sb = new StringBuilder();
        new Writer(sb, 2).value(value, 0);
        return sb.toString();
    }

    /** Writes pretty JSON plus a newline to file, atomically (temp file, then rename). */
    public static void write(Path file, Object value) throws IOException {
        byte[] bytes = (writePretty(value) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, ch -> {
            var buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
        });
    }

    private record Writer(StringBuilder sb, int indent) {
        void value(Object v, int depth) {
            if (depth > MAX_DEPTH) throw new IllegalArgumentException("JSON value nested deeper than " + MAX_DEPTH + " (a cycle?)");
            switch (v) {
                case null -> sb.append("null");
                case String s -> string(s);
                case Boolean b -> sb.append(b);
                case Long l -> sb.append(l);
                case Integer i -> sb.append(i);
                case Short i -> sb.append(i);
                case Byte i -> sb.append(i);
                case BigInteger b -> sb.append(b);
                case BigDecimal b -> sb.append(b);
                case Double d -> {
                    if (!Double.isFinite(d)) throw new IllegalArgumentException("JSON cannot represent " + d);
                    sb.append(d);
                }
                case Float f -> {
                    if (!Float.isFinite(f)) throw new IllegalArgumentException("JSON cannot represent " + f);
                    sb.append(f);
                }
                case Map<?, ?> m -> object(m, depth);
                case Iterable<?> it -> {
                    var items = new ArrayList<>();
                    it.forEach(items::add);
                    array(items, depth);
                }
                case Object[] a -> array(Arrays.asList(a), depth);
                case int[] a -> array(Arrays.stream(a).boxed().toList(), depth);
                case long[] a -> array(Arrays.stream(a).boxed().toList(), depth);
                case double[] a -> array(Arrays.stream(a).boxed().toList(), depth);
                case float[] a -> {
                    var items = new ArrayList<Object>(a.length);
                    for (float f : a) items.add(f);
                    array(items, depth);
                }
                case boolean[] a -> {
                    var items = new ArrayList<Object>(a.length);
                    for (boolean b : a) items.add(b);
                    array(items, depth);
                }
                default -> throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
            }
        }

        private void object(Map<?, ?> m, int depth) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (var e : m.entrySet()) {
                if (!(e.getKey() instanceof String key))
                    throw new IllegalArgumentException("JSON object keys must be strings, got " + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
                if (!first) sb.append(',');
                first = false;
                newline(depth + 1);
                string(key);
                sb.append(indent >= 0 ? ": " : ":");
                value(e.getValue(), depth + 1);
            }
            newline(depth);
            sb.append('}');
        }

        private void array(List<?> items, int depth) {
            if (items.isEmpty()) {
                sb.append("[]");
                return;
            }
            boolean flat = indent < 0 || items.stream().noneMatch(x -> x instanceof Map || x instanceof Iterable || (x != null && x.getClass().isArray()));
            sb.append('[');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) sb.append(indent >= 0 && flat ? ", " : ",");
                if (!flat) newline(depth + 1);
                value(items.get(i), depth + 1);
            }
            if (!flat) newline(depth);
            sb.append(']');
        }

        private void newline(int depth) {
            if (indent < 0) return;
            sb.append('\n');
            sb.append(" ".repeat(indent * depth));
        }

        private void string(String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '\b' -> sb.append("\\b");
                    case '\f' -> sb.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            sb.append("\\u").append(hex(c));
                        } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                        } else if (Character.isSurrogate(c)) {
                            throw new IllegalArgumentException("string has an unpaired surrogate U+" + hex(c) + " at index " + i + ": it is not valid Unicode");
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }
    }
}
