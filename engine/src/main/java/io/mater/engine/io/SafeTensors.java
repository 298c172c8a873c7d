package io.mater.engine.io;

import io.mater.engine.Shape;
import io.mater.engine.Storage;
import io.mater.engine.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes <a href="https://github.com/huggingface/safetensors">safetensors</a> files:
 *
 * <pre>
 *   [8 bytes]  N, little-endian unsigned header length
 *   [N bytes]  UTF-8 JSON object: {"__metadata__": {"k": "v", ...},            (optional, strings only)
 *                                  "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 *              padded with spaces (our writer pads 8 + N to a multiple of 8)
 *   [rest]     the data buffer: each tensor's elements, row-major, little-endian, at [begin, end) of the buffer
 * </pre>
 *
 * Every tensor is read as float32: F32 as is, F16/BF16 exactly, F64 rounded to nearest-even (as a Java or
 * IEEE cast; values beyond the float range become infinity), and integer/BOOL dtypes only when each value is
 * exactly representable in float32 (else an error names the tensor, element and value).
 *
 * <p>Reading is strict: anything malformed is a {@link SafeTensorsException} naming the file and, where it
 * applies, the tensor. The tensors must tile the data buffer exactly, as the format requires: overlaps,
 * holes and trailing bytes after the last tensor are all errors. Tensor data is memory-mapped (in chunks below
 * 2 GiB) and decoded straight into each tensor's float[]; only the header is read onto the heap. Tensors come
 * back in header order, which for files from our writer (and mater_ref.py) is the order they were written in.
 *
 * <pre>{@code
 * SafeTensors.write(path, Map.of("w", w), Map.of("epoch", "3"));
 * var file = SafeTensors.read(path);           // file.tensors().get("w"), file.metadata()
 * try (var r = SafeTensors.open(path)) {       // lists entries without loading; loads one on demand
 *     for (var e : r.entries()) System.out.println(e.name() + " " + e.dtype() + " " + Arrays.toString(e.shape()));
 *     Tensor w = r.load("w");
 * }
 * }</pre>
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** The largest header accepted (the same limit as the reference Rust implementation). */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    static final String METADATA_KEY = "__metadata__";
    private static final long DEFAULT_CHUNK_BYTES = 1L << 30;
    private static final Set<String> ENTRY_FIELDS = Set.of("dtype", "shape", "data_offsets");

    /** One tensor as described by the header; begin/end are offsets into the data buffer. */
    public record Entry(String name, DType dtype, int[] shape, long begin, long end) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** Elements (0 if any dim is 0); an ArithmeticException if the count overflows a long. */
        public long numel() {
            long n = 1;
            for (int d : shape) if (d == 0) return 0;
            for (int d : shape) n = Math.multiplyExact(n, d);
            return n;
        }

        public long byteSize() {
            return end - begin;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && name.equals(e.name) && dtype == e.dtype && Arrays.equals(shape, e.shape) && begin == e.begin && end == e.end;
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + " " + dtype + " " + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
        }
    }

    /** A whole file: its tensors in header order, and its metadata (empty if none). */
    public record Contents(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {}

    // ================================================================== reading

    /** Reads every tensor and the metadata. */
    public static Contents read(Path file) throws IOException {
        try (var r = open(file)) {
            return new Contents(r.loadAll(), r.metadata());
        }
    }

    /** Opens a file, reading and validating only its header; tensors are loaded with {@link Reader#load}. */
    public static Reader open(Path file) throws IOException {
        return new Reader(file, DEFAULT_CHUNK_BYTES);
    }

    /** As {@link #open(Path)} with a smaller mapping chunk (tests use it to cross chunk boundaries). */
    static Reader open(Path file, long chunkBytes) throws IOException {
        if (chunkBytes < 8 || chunkBytes > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("chunkBytes must be in [8, 2^31 - 8], got " + chunkBytes);
        return new Reader(file, chunkBytes);
    }

    /** An open safetensors file. {@link #load} may be called from several threads. */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final LinkedHashMap<String, Entry> entries;
        private final Map<String, String> metadata;
        private final long headerBytes;
        private final long dataBytes;
        private final long chunkBytes;
        // chunk i maps data bytes [i*chunkBytes, min(dataBytes, (i+1)*chunkBytes + 7)): the 7-byte overlap means
        // that an element (at most 8 bytes) that starts in chunk i lies wholly inside it.
        private volatile ByteBuffer[] chunks;

        private Reader(Path file, long chunkBytes) throws IOException {
            this.file = file;
            this.chunkBytes = chunkBytes;
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
            boolean ok = false;
            try {
                long size = channel.size();
                if (size < 8) throw fail(null, "file is " + size + " bytes; a safetensors file starts with an 8-byte header length");
                ByteBuffer lenBuf = readFully(0, 8).order(ByteOrder.LITTLE_ENDIAN);
                long n = lenBuf.getLong(0);
                if (n < 0 || n > MAX_HEADER_BYTES)
                    throw fail(null, "header length " + Long.toUnsignedString(n) + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes (not a safetensors file?)");
                if (n > size - 8) throw fail(null, "header length " + n + " is larger than the " + (size - 8) + " bytes after the length field (truncated file?)");
                this.headerBytes = n;
                this.dataBytes = size - 8 - n;
                byte[] raw = readFully(8, (int) n).array();
                this.metadata = new LinkedHashMap<>();
                this.entries = parseHeader(raw);
                this.chunks = mapChunks();
                ok = true;
            } finally {
                if (!ok) channel.close();
            }
        }

        public Path path() {
            return file;
        }

        /** The tensors in header order. */
        public List<Entry> entries() {
            return List.copyOf(entries.values());
        }

        public Set<String> names() {
            return Collections.unmodifiableSet(entries.keySet());
        }

        public boolean contains(String name) {
            return entries.containsKey(name);
        }

        public Entry entry(String name) throws SafeTensorsException {
            Entry e = entries.get(name);
            if (e == null) {
                var some = entries.keySet().stream().limit(8).map(SafeTensorsException::quote).toList();
                throw fail(name, "no such tensor in the file (it has " + entries.size() + (entries.isEmpty() ? "" : ": " + String.join(", ", some) + (entries.size() > 8 ? ", ..." : "")) + ")");
            }
            return e;
        }

        /** The __metadata__ strings in header order (empty if none). */
        public Map<String, String> metadata() {
            return Collections.unmodifiableMap(metadata);
        }

        /** Bytes of the JSON header (without the 8-byte length). */
        public long headerBytes() {
            return headerBytes;
        }

        /** Bytes of the data buffer. */
        public long dataBytes() {
            return dataBytes;
        }

        /** Loads one tensor as a float32 tensor. */
        public Tensor load(String name) throws IOException {
            ByteBuffer[] cs = chunks;
            if (cs == null) throw new IllegalStateException(file + ": reader is closed");
            Entry e = entry(name);
            long n = e.numel();
            if (n > Integer.MAX_VALUE - 16)
                throw fail(e.name, "has " + n + " elements; a tensor holds at most " + (Integer.MAX_VALUE - 16));
            float[] out = new float[(int) n];
            int es = e.dtype.size();
            long pos = e.begin;
            int k = 0;
            while (k < n) {
                int ci = (int) (pos / chunkBytes);
                long local = pos - ci * chunkBytes;
                long room = (ci + 1) * chunkBytes - pos;                 // bytes before the next chunk starts
                int count = (int) Math.min(n - k, (room + es - 1) / es); // elements that start in this chunk
                decode(e, cs[ci], (int) local, out, k, count);
                k += count;
                pos += (long) count * es;
            }
            return Tensor.of(out, e.shape);
        }

        /** Loads every tensor, in header order. */
        public LinkedHashMap<String, Tensor> loadAll() throws IOException {
            var out = new LinkedHashMap<String, Tensor>();
            for (String name : entries.keySet()) out.put(name, load(name));
            return out;
        }

        @Override
        public void close() throws IOException {
            chunks = null; // the mappings are released when collected (Java cannot unmap them safely earlier)
            channel.close();
        }

        // ------------------------------------------------------------------ header

        private LinkedHashMap<String, Entry> parseHeader(byte[] raw) throws SafeTensorsException {
            Object json;
            try {
                json = Json.parse(Json.decodeUtf8(raw));
            } catch (Json.ParseException ex) {
                throw new SafeTensorsException(file, null, "bad JSON header: " + ex.getMessage(), ex);
            }
            if (!(json instanceof Map<?, ?>)) throw fail(null, "header must be a JSON object, got " + Json.typeName(json));
            var out = new LinkedHashMap<String, Entry>();
            for (var kv : Json.asObject(json, "header").entrySet()) {
                String name = kv.getKey();
                if (name.equals(METADATA_KEY)) parseMetadata(kv.getValue());
                else out.put(name, parseEntry(name, kv.getValue()));
            }
            checkCoverage(out.values());
            return out;
        }

        private void parseMetadata(Object v) throws SafeTensorsException {
            if (!(v instanceof Map<?, ?>)) throw fail(null, METADATA_KEY + " must be an object of strings, got " + Json.typeName(v));
            for (var kv : Json.asObject(v, METADATA_KEY).entrySet()) {
                if (!(kv.getValue() instanceof String s))
                    throw fail(null, METADATA_KEY + " value of " + SafeTensorsException.quote(kv.getKey()) + " must be a string, got " + Json.typeName(kv.getValue()));
                metadata.put(kv.getKey(), s);
            }
        }

        private Entry parseEntry(String name, Object v) throws SafeTensorsException {
            if (!(v instanceof Map<?, ?>)) throw fail(name, "entry must be an object with dtype, shape and data_offsets, got " + Json.typeName(v));
            var obj = Json.asObject(v, name);
            for (String f : List.of("dtype", "shape", "data_offsets"))
                if (!obj.containsKey(f)) throw fail(name, "entry has no \"" + f + "\"");
            for (String f : obj.keySet())
                if (!ENTRY_FIELDS.contains(f)) throw fail(name, "entry has an unexpected field " + SafeTensorsException.quote(f) + " (allowed: dtype, shape, data_offsets)");
            try {
                String dtypeName = Json.asString(obj.get("dtype"), "dtype");
                DType dtype = DType.parse(dtypeName);
                if (dtype == null) throw fail(name, "unsupported dtype " + SafeTensorsException.quote(dtypeName) + " (supported: " + Arrays.toString(DType.values()) + ")");

                List<Object> dims = Json.asArray(obj.get("shape"), "shape");
                int[] shape = new int[dims.size()];
                for (int i = 0; i < shape.length; i++) {
                    long d = Json.asLong(dims.get(i), "shape[" + i + "]");
                    if (d < 0) throw fail(name, "shape[" + i + "] is negative: " + d);
                    if (d > Integer.MAX_VALUE) throw fail(name, "shape[" + i + "] = " + d + " is larger than 2^31 - 1");
                    shape[i] = (int) d;
                }
                long need = 0; // bytes: numel * dtype size (0 when any dim is 0, however large the others)
                if (Arrays.stream(shape).noneMatch(d -> d == 0)) {
                    try {
                        long numel = 1;
                        for (int d : shape) numel = Math.multiplyExact(numel, d);
                        need = Math.multiplyExact(numel, dtype.size());
                    } catch (ArithmeticException overflow) {
                        throw fail(name, "shape " + Arrays.toString(shape) + " of " + dtype + " needs 2^63 bytes or more");
                    }
                }

                List<Object> offs = Json.asArray(obj.get("data_offsets"), "data_offsets");
                if (offs.size() != 2) throw fail(name, "data_offsets must be [begin, end], got " + offs.size() + " numbers");
                long begin = Json.asLong(offs.get(0), "data_offsets[0]");
                long end = Json.asLong(offs.get(1), "data_offsets[1]");
                if (begin < 0 || end < 0) throw fail(name, "data_offsets [" + begin + ", " + end + "] must not be negative");
                if (begin > end) throw fail(name, "data_offsets [" + begin + ", " + end + "]: begin is after end");
                if (end > dataBytes)
                    throw fail(name, "data_offsets [" + begin + ", " + end + "] reach beyond the data buffer, which has " + dataBytes + " bytes (truncated file?)");
                if (end - begin != need)
                    throw fail(name, "data_offsets [" + begin + ", " + end + "] span " + (end - begin) + " bytes but shape " + Arrays.toString(shape) + " of " + dtype + " needs " + need);
                return new Entry(name, dtype, shape, begin, end);
            } catch (IllegalArgumentException ex) { // a field of the wrong JSON type
                throw new SafeTensorsException(file, name, ex.getMessage(), ex);
            }
        }

        /** The tensors must tile [0, dataBytes) exactly: no overlap, no hole, nothing after the last one. */
        private void checkCoverage(Collection<Entry> all) throws SafeTensorsException {
            var sorted = new ArrayList<>(all);
            sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
            long covered = 0;
            Entry prev = null;
            for (Entry e : sorted) {
                if (e.begin < covered)
                    throw fail(e.name, "data_offsets [" + e.begin + ", " + e.end + ") overlap those of tensor " + SafeTensorsException.quote(prev.name) + " [" + prev.begin + ", " + prev.end + ")");
                if (e.begin > covered)
                    throw fail(e.name, "bytes [" + covered + ", " + e.begin + ") of the data buffer before this tensor belong to no tensor");
                covered = e.end;
                prev = e;
            }
            if (covered != dataBytes)
                throw fail(null, "the data buffer has " + dataBytes + " bytes but the tensors cover only the first " + covered
                        + " (" + (dataBytes - covered) + " trailing bytes belong to no tensor)");
        }

        // ------------------------------------------------------------------ data

        private ByteBuffer[] mapChunks() throws IOException {
            int count = (int) ((dataBytes + chunkBytes - 1) / chunkBytes);
            var cs = new ByteBuffer[count];
            long base = 8 + headerBytes;
            for (int i = 0; i < count; i++) {
                long from = i * chunkBytes;
                long to = Math.min(dataBytes, (i + 1) * chunkBytes + 7);
                MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, base + from, to - from);
                cs[i] = m.order(ByteOrder.LITTLE_ENDIAN);
            }
            return cs;
        }

        /** Decodes count elements of e starting at byte at of chunk c into out[k ...]. */
        private void decode(Entry e, ByteBuffer c, int at, float[] out, int k, int count) throws SafeTensorsException {
            switch (e.dtype) {
                case F32 -> c.slice(at, count * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out, k, count);
                case F64 -> {
                    for (int j = 0; j < count; j++) out[k + j] = (float) c.getDouble(at + 8 * j);
                }
                case F16 -> {
                    for (int j = 0; j < count; j++) out[k + j] = halfToFloat(c.getShort(at + 2 * j));
                }
                case BF16 -> {
                    for (int j = 0; j < count; j++) out[k + j] = Float.intBitsToFloat((c.getShort(at + 2 * j) & 0xFFFF) << 16);
                }
                case I64 -> {
                    for (int j = 0; j < count; j++) {
                        long v = c.getLong(at + 8 * j);
                        float f = v;
                        if (f >= 0x1p63f || (long) f != v) throw inexact(e, k + j, v);
                        out[k + j] = f;
                    }
                }
                case I32 -> {
                    for (int j = 0; j < count; j++) {
                        int v = c.getInt(at + 4 * j);
                        float f = v;
                        if ((long) f != v) throw inexact(e, k + j, v);
                        out[k + j] = f;
                    }
                }
                case I16 -> {
                    for (int j = 0; j < count; j++) out[k + j] = c.getShort(at + 2 * j);
                }
                case I8 -> {
                    for (int j = 0; j < count; j++) out[k + j] = c.get(at + j);
                }
                case U8 -> {
                    for (int j = 0; j < count; j++) out[k + j] = c.get(at + j) & 0xFF;
                }
                case BOOL -> {
                    for (int j = 0; j < count; j++) {
                        int v = c.get(at + j) & 0xFF;
                        if (v > 1) throw fail(e.name, "BOOL element " + index(e, k + j) + " has byte value " + v + "; only 0 and 1 are valid");
                        out[k + j] = v;
                    }
                }
            }
        }

        /**
         * IEEE binary16 to float32, exactly (every half is a float). Written out rather than Float.float16ToFloat,
         * whose intrinsic may quiet signalling NaNs: here NaN payloads are kept (shifted up 13 bits), as numpy does.
         */
        static float halfToFloat(short h) {
            int sign = (h & 0x8000) << 16;
            int exp = (h >>> 10) & 0x1F;
            int mant = h & 0x3FF;
            if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | mant << 13); // inf, NaN
            if (exp != 0) return Float.intBitsToFloat(sign | (exp + 127 - 15) << 23 | mant << 13);
            float sub = mant * 0x1p-24f; // zero or subnormal: mant * 2^-24, exact
            return sign != 0 ? -sub : sub;
        }

        private SafeTensorsException inexact(Entry e, long flat, long value) {
            return fail(e.name, e.dtype + " element " + index(e, flat) + " = " + value + " cannot be represented exactly as float32 (|value| > 2^24)");
        }

        private static String index(Entry e, long flat) {
            int[] idx = new int[e.shape.length];
            long rest = flat;
            for (int i = idx.length - 1; i >= 0; i--) {
                idx[i] = (int) (rest % e.shape[i]);
                rest /= e.shape[i];
            }
            return Arrays.toString(idx) + (idx.length > 1 ? " (flat " + flat + ")" : "");
        }

        private ByteBuffer readFully(long position, int length) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining()) {
                if (channel.read(buf, position + buf.position()) < 0) throw fail(null, "file ended while reading the header (was it truncated while being read?)");
            }
            return buf;
        }

        private SafeTensorsException fail(String tensor, String message) {
            return new SafeTensorsException(file, tensor, message);
        }
    }

    // ================================================================== writing

    /** Writes tensors (float32) atomically. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of(), Map.of());
    }

    /** Writes tensors (float32) and metadata (may be null or empty) atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, Map.of());
    }

    /**
     * Writes tensors in the map's iteration order, with metadata, atomically (temp file, then rename; a failure
     * leaves any previous file intact). dtypes picks a stored dtype per tensor name: F32 (the default), or I64/I32
     * for tensors of integers such as labels; a value that is not an integer in range is an error.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, Map<String, DType> dtypes) throws IOException {
        if (tensors == null) throw new IllegalArgumentException(file + ": tensors must not be null");
        if (dtypes == null) dtypes = Map.of();
        for (var kv : dtypes.entrySet()) {
            if (!tensors.containsKey(kv.getKey()))
                throw new IllegalArgumentException(file + ": a dtype is given for " + SafeTensorsException.quote(String.valueOf(kv.getKey())) + ", which is not among the tensors");
            if (kv.getValue() == null || !kv.getValue().writable())
                throw new IllegalArgumentException(file + ": tensor " + SafeTensorsException.quote(kv.getKey()) + ": cannot write dtype " + kv.getValue() + " (writable: F32, I64, I32)");
        }

        // header: __metadata__ first, then the tensors in order with consecutive offsets
        var header = new LinkedHashMap<String, Object>();
        if (metadata != null && !metadata.isEmpty()) {
            var meta = new LinkedHashMap<String, Object>();
            for (var kv : metadata.entrySet()) {
                if (kv.getKey() == null || kv.getValue() == null)
                    throw new IllegalArgumentException(file + ": metadata keys and values must not be null (" + kv.getKey() + " = " + kv.getValue() + ")");
                meta.put(kv.getKey(), kv.getValue());
            }
            header.put(METADATA_KEY, meta);
        }
        var names = new ArrayList<String>(tensors.size());
        var types = new ArrayList<DType>(tensors.size());
        long offset = 0;
        for (var kv : tensors.entrySet()) {
            String name = kv.getKey();
            Tensor t = kv.getValue();
            if (name == null) throw new IllegalArgumentException(file + ": tensor names must not be null");
            if (name.equals(METADATA_KEY)) throw new IllegalArgumentException(file + ": \"" + METADATA_KEY + "\" is reserved and cannot name a tensor");
            if (t == null) throw new IllegalArgumentException(file + ": tensor " + SafeTensorsException.quote(name) + " is null");
            try {
                Json.write(name);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(file + ": tensor " + SafeTensorsException.quote(name) + ": name is not valid Unicode: " + ex.getMessage(), ex);
            }
            DType dtype = dtypes.getOrDefault(name, DType.F32);
            long bytes = (long) t.numel() * dtype.size();
            var entry = new LinkedHashMap<String, Object>();
            entry.put("dtype", dtype.name());
            entry.put("shape", t.shape());
            entry.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(name, entry);
            names.add(name);
            types.add(dtype);
            offset += bytes;
        }
        byte[] json;
        try {
            json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(file + ": cannot write the header: " + ex.getMessage(), ex);
        }
        int padded = (json.length + 7) / 8 * 8;
        if (padded > MAX_HEADER_BYTES) throw new IllegalArgumentException(file + ": header would be " + padded + " bytes, above the " + MAX_HEADER_BYTES + "-byte limit readers accept");
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        AtomicFile.write(file, ch -> {
            writeAll(ch, head);
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < names.size(); i++) writeTensor(ch, buf, file, names.get(i), tensors.get(names.get(i)), types.get(i));
            buf.flip();
            writeAll(ch, buf);
        });
    }

    private static void writeTensor(FileChannel ch, ByteBuffer buf, Path file, String name, Tensor t, DType dtype) throws IOException {
        // src[off, off + n): the elements in row-major order (no copy for a contiguous CPU tensor)
        float[] src;
        int off;
        int n = t.numel();
        if (n == 0) return; // nothing to write (and toArray() of some zero-size shapes is not safe to rely on)
        if (t.storage() instanceof Storage.Heap heap && t.isContiguous()) {
            src = heap.data();
            off = t.offset();
        } else {
            src = t.toArray();
            off = 0;
        }
        int i = 0;
        while (i < n) {
            if (buf.remaining() < 8) {
                buf.flip();
                writeAll(ch, buf);
                buf.clear();
            }
            int k = Math.min(n - i, buf.remaining() / dtype.size());
            switch (dtype) {
                case F32 -> {
                    buf.asFloatBuffer().put(src, off + i, k);
                    buf.position(buf.position() + 4 * k);
                }
                case I64 -> {
                    for (int j = 0; j < k; j++) {
                        float v = src[off + i + j];
                        if (v != Math.rint(v) || v < -0x1p63f || v >= 0x1p63f) throw notInteger(file, name, t, i + j, v, dtype);
                        buf.putLong((long) v);
                    }
                }
                case I32 -> {
                    for (int j = 0; j < k; j++) {
                        float v = src[off + i + j];
                        if (v != Math.rint(v) || v < -0x1p31f || v >= 0x1p31f) throw notInteger(file, name, t, i + j, v, dtype);
                        buf.putInt((int) v);
                    }
                }
                default -> throw new IllegalStateException("unwritable dtype " + dtype);
            }
            i += k;
        }
    }

    private static IllegalArgumentException notInteger(Path file, String name, Tensor t, int flat, float v, DType dtype) {
        return new IllegalArgumentException(file + ": tensor " + SafeTensorsException.quote(name) + " " + Shape.str(t.shape())
                + ": element " + flat + " = " + v + " is not an integer that fits " + dtype);
    }

    private static void writeAll(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }
}
