package io.mater.audio;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;

/**
 * A decoded RIFF/WAVE file: its samples as floats, one array per channel.
 *
 * <p>Reads PCM of 1..32 bits (8-bit and below unsigned, as WAV stores them; wider ones signed,
 * decoded by their byte container: 8, 16, 24 or 32 bits), IEEE float of 32 and 64 bits, and
 * {@code WAVE_FORMAT_EXTENSIBLE} whose sub-format GUID is PCM or IEEE float. Integer samples are
 * scaled to [-1, 1) (divided by 2^(bits-1) of the container); float samples are passed through as
 * stored (a float file may hold values beyond +-1).
 *
 * <p>Chunks other than {@code fmt } and {@code data} ({@code FLLR}, {@code LIST}, {@code bext},
 * {@code _PMX}, ...) are skipped wherever they sit; an odd-sized chunk is followed by one pad byte.
 * Structure is checked strictly and every problem is a {@link FormatException} naming the file and
 * what was wrong: a truncated chunk, a {@code data} chunk before {@code fmt}, a block align that does
 * not match the channels and sample size, a data size that is not a whole number of frames, and so on.
 * Bytes after the end of the RIFF form (as its size declares) are ignored; a missing final pad byte is
 * tolerated.
 *
 * <p>Streaming writers (a WAV written to a pipe) cannot seek back to fill in sizes and leave
 * placeholders. Rule: a {@code data} size of 0xFFFFFFFF, or of 0 when the RIFF size is also a
 * placeholder (0 or 0xFFFFFFFF), means "the samples run to the end of the file". A {@code data} size
 * of 0 in a file with a real RIFF size is an empty clip (0 frames), which is valid.
 */
public final class Wav {
    /** How samples are stored. */
    public enum Encoding { PCM, FLOAT }

    /** The fmt chunk, checked. {@code bitsPerSample} is the container size; {@code validBits} <= it. */
    public record Format(Encoding encoding, int channels, int sampleRate, int bitsPerSample, int validBits,
                         boolean extensible) {
        public int bytesPerSample() {
            return bitsPerSample / 8;
        }

        public int blockAlign() {
            return channels * bytesPerSample();
        }

        @Override
        public String toString() {
            return validBits + "-bit " + (encoding == Encoding.PCM ? "PCM" : "float") + (extensible ? " (extensible)" : "")
                    + ", " + channels + " ch, " + sampleRate + " Hz";
        }
    }

    /** What a file holds, without its samples: format, frame count, and where the samples lie. */
    public record Info(Path path, Format format, long frames, long dataOffset, long dataBytes) {
        public double seconds() {
            return (double) frames / format.sampleRate();
        }
    }

    /** A file that is not a WAV this reader accepts; the message names the file and the problem. */
    public static final class FormatException extends IOException {
        public FormatException(Path path, String problem) {
            super(path + ": " + problem);
        }
    }

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle F32 = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle F64 = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long PLACEHOLDER = 0xFFFFFFFFL;
    private static final int TAG_PCM = 1, TAG_FLOAT = 3, TAG_EXTENSIBLE = 0xFFFE;
    /** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE GUID (the first two hold the format tag). */
    private static final byte[] GUID_TAIL = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00,
            0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};

    private final Info info;
    private final float[][] channels; // [C][frames]

    private Wav(Info info, float[][] channels) {
        this.info = info;
        this.channels = channels;
    }

    /** Parses the header of a WAV file and checks its structure, without reading the samples. */
    public static Info info(Path path) throws IOException {
        try (var ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return parse(path, ch);
        }
    }

    /** Reads and decodes a whole WAV file. */
    public static Wav read(Path path) throws IOException {
        try (var ch = FileChannel.open(path, StandardOpenOption.READ)) {
            var info = parse(path, ch);
            if (info.dataBytes() > Integer.MAX_VALUE - 16)
                throw new FormatException(path, "data chunk of " + info.dataBytes() + " bytes is too large to decode in memory");
            var bytes = new byte[(int) info.dataBytes()];
            readFully(path, ch, info.dataOffset(), bytes);
            return new Wav(info, decode(info.format(), bytes, (int) info.frames()));
        }
    }

    /** Reads a file, downmixes it to mono (mean of the channels) and resamples it to {@code rate} Hz. */
    public static float[] readMono(Path path, int rate) throws IOException {
        var wav = read(path);
        return Resampler.convert(wav.mono(), wav.sampleRate(), rate);
    }

    public Info info() {
        return info;
    }

    public Format format() {
        return info.format();
    }

    public Path path() {
        return info.path();
    }

    public int sampleRate() {
        return info.format().sampleRate();
    }

    public int channelCount() {
        return channels.length;
    }

    public int frames() {
        return (int) info.frames();
    }

    public double seconds() {
        return info.seconds();
    }

    /** The samples of channel c (0-based), in [-1, 1] for integer formats. A copy. */
    public float[] channel(int c) {
        if (c < 0 || c >= channels.length)
            throw new IndexOutOfBoundsException(path() + " has " + channels.length + " channels, asked for channel " + c);
        return channels[c].clone();
    }

    /** The channels' mean per frame (VGGish's downmix); for a mono file, a copy of its one channel. */
    public float[] mono() {
        if (channels.length == 1) return channels[0].clone();
        int n = frames();
        var out = new float[n];
        for (var c : channels)
            for (int i = 0; i < n; i++) out[i] += c[i];
        float inv = 1f / channels.length;
        for (int i = 0; i < n; i++) out[i] *= inv;
        return out;
    }

    // ------------------------------------------------------------------ parsing

    private static Info parse(Path path, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 12) throw new FormatException(path, "file is " + size + " bytes, too short for a RIFF/WAVE header (12 bytes)");
        var head = new byte[12];
        readFully(path, ch, 0, head);
        String riff = fourcc(head, 0), wave = fourcc(head, 8);
        if (!riff.equals("RIFF")) {
            String why = switch (riff) {
                case "RIFX" -> "big-endian RIFX files are not supported";
                case "RF64" -> "RF64 (64-bit) WAV files are not supported";
                default -> "not a WAV file: starts with '" + printable(riff) + "', expected 'RIFF'";
            };
            throw new FormatException(path, why);
        }
        if (!wave.equals("WAVE"))
            throw new FormatException(path, "RIFF form type is '" + printable(wave) + "', expected 'WAVE'");
        long riffSize = u32(head, 4);
        boolean placeholder = riffSize == 0 || riffSize == PLACEHOLDER;
        long end = size;
        if (!placeholder) {
            end = 8 + riffSize;
            if (end > size + 1) // one missing final pad byte is tolerated
                throw new FormatException(path, "truncated: RIFF header declares " + riffSize + " bytes after its first 8 but only "
                        + (size - 8) + " follow");
            end = Math.min(end, size);
        }

        var chunks = new ArrayList<String>();
        long fmtAt = -1, dataAt = -1, dataBytes = -1;
        Format format = null;
        var hdr = new byte[8];
        long pos = 12;
        while (pos < end) {
            if (end - pos < 8)
                throw new FormatException(path, (end - pos) + " stray bytes at offset " + pos + ", too few for a chunk header");
            readFully(path, ch, pos, hdr);
            String id = fourcc(hdr, 0);
            long declared = u32(hdr, 4), body = pos + 8, remain = end - body, len = declared;
            chunks.add(printable(id));
            boolean streaming = id.equals("data") && (declared == PLACEHOLDER || (declared == 0 && placeholder));
            if (streaming) len = remain;
            if (len > remain)
                throw new FormatException(path, "truncated: '" + printable(id) + "' chunk at offset " + pos + " declares " + declared
                        + " bytes but only " + remain + " remain");
            switch (id) {
                case "fmt " -> {
                    if (fmtAt >= 0) throw new FormatException(path, "second fmt chunk at offset " + pos + " (first at " + fmtAt + ")");
                    fmtAt = pos;
                    if (len < 16) throw new FormatException(path, "fmt chunk is " + len + " bytes, needs at least 16");
                    var body16 = new byte[(int) Math.min(len, 64)];
                    readFully(path, ch, body, body16);
                    format = parseFormat(path, body16, len);
                }
                case "data" -> {
                    if (dataAt >= 0) throw new FormatException(path, "second data chunk at offset " + pos + " (first at " + dataAt + ")");
                    dataAt = pos;
                    dataBytes = len;
                }
                default -> { } // skipped: FLLR, LIST, bext, _PMX, fact, cue , ...
            }
            pos = body + len + (len & 1);
        }
        if (fmtAt < 0) throw new FormatException(path, "no fmt chunk (chunks: " + String.join(", ", chunks) + ")");
        if (dataAt < 0) throw new FormatException(path, "no data chunk (chunks: " + String.join(", ", chunks) + ")");
        if (fmtAt > dataAt)
            throw new FormatException(path, "fmt chunk at offset " + fmtAt + " comes after the data chunk at offset " + dataAt
                    + "; the fmt chunk must come first");
        int block = format.blockAlign();
        if (dataBytes % block != 0)
            throw new FormatException(path, "data chunk holds " + dataBytes + " bytes, not a whole number of " + block
                    + "-byte frames (" + format + ")");
        return new Info(path, format, dataBytes / block, dataAt + 8, dataBytes);
    }

    private static Format parseFormat(Path path, byte[] b, long len) throws FormatException {
        int tag = u16(b, 0), channels = u16(b, 2), blockAlign = u16(b, 12), bits = u16(b, 14);
        long rate = u32(b, 4);
        if (channels == 0) throw new FormatException(path, "fmt chunk says 0 channels");
        if (rate == 0 || rate > 10_000_000) throw new FormatException(path, "fmt chunk says sample rate " + rate + " Hz");
        boolean extensible = tag == TAG_EXTENSIBLE;
        int validBits = bits;
        if (extensible) {
            if (len < 40 || u16(b, 16) < 22)
                throw new FormatException(path, "WAVE_FORMAT_EXTENSIBLE fmt chunk is " + len + " bytes (cbSize " + (len >= 18 ? u16(b, 16) : 0)
                        + "), needs 40 (cbSize 22)");
            validBits = u16(b, 18);
            tag = u16(b, 24);
            for (int i = 0; i < GUID_TAIL.length; i++)
                if (b[26 + i] != GUID_TAIL[i])
                    throw new FormatException(path, "WAVE_FORMAT_EXTENSIBLE sub-format GUID " + guid(b, 24) + " is not PCM or IEEE float");
        }
        var encoding = switch (tag) {
            case TAG_PCM -> Encoding.PCM;
            case TAG_FLOAT -> Encoding.FLOAT;
            default -> throw new FormatException(path, String.format("format tag 0x%04X%s is not supported; only PCM (1), IEEE float (3) "
                    + "and WAVE_FORMAT_EXTENSIBLE of those", tag, tagName(tag)));
        };
        if (encoding == Encoding.PCM && (bits < 1 || bits > 32))
            throw new FormatException(path, "PCM with " + bits + " bits per sample; supported: 1..32");
        if (encoding == Encoding.FLOAT && bits != 32 && bits != 64)
            throw new FormatException(path, "IEEE float with " + bits + " bits per sample; supported: 32, 64");
        int container = (bits + 7) / 8 * 8;
        if (validBits == 0) validBits = container; // some writers leave wValidBitsPerSample at 0
        if (validBits > container)
            throw new FormatException(path, "valid bits " + validBits + " exceed the " + container + "-bit sample container");
        long need = (long) channels * (container / 8);
        if (blockAlign != need)
            throw new FormatException(path, "block align is " + blockAlign + " but " + channels + " channel(s) of " + container
                    + "-bit samples need " + need);
        return new Format(encoding, channels, (int) rate, container, validBits, extensible);
    }

    private static float[][] decode(Format f, byte[] b, int frames) {
        int c = f.channels(), step = f.bytesPerSample(), block = f.blockAlign();
        var out = new float[c][frames];
        for (int ch = 0; ch < c; ch++) {
            var o = out[ch];
            int p = ch * step;
            switch (f.encoding()) {
                case PCM -> {
                    switch (step) {
                        case 1 -> { for (int i = 0; i < frames; i++, p += block) o[i] = ((b[p] & 0xFF) - 128) * 0x1p-7f; }
                        case 2 -> { for (int i = 0; i < frames; i++, p += block) o[i] = (short) I16.get(b, p) * 0x1p-15f; }
                        case 3 -> {
                            for (int i = 0; i < frames; i++, p += block)
                                o[i] = ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | b[p + 2] << 16) * 0x1p-23f;
                        }
                        default -> { for (int i = 0; i < frames; i++, p += block) o[i] = (float) ((int) I32.get(b, p) * 0x1p-31); }
                    }
                }
                case FLOAT -> {
                    if (step == 4) for (int i = 0; i < frames; i++, p += block) o[i] = (float) F32.get(b, p);
                    else for (int i = 0; i < frames; i++, p += block) o[i] = (float) (double) F64.get(b, p);
                }
            }
        }
        return out;
    }

    private static void readFully(Path path, FileChannel ch, long at, byte[] into) throws IOException {
        var buf = ByteBuffer.wrap(into);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at + buf.position());
            if (n < 0) throw new FormatException(path, "file ended after " + buf.position() + " of " + into.length
                    + " bytes read at offset " + at);
        }
    }

    private static String fourcc(byte[] b, int at) {
        return new String(b, at, 4, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String s) {
        var sb = new StringBuilder();
        for (char c : s.toCharArray()) sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02X", (int) c));
        return sb.toString();
    }

    private static String guid(byte[] b, int at) {
        var sb = new StringBuilder();
        for (int i = 0; i < 16; i++) sb.append(String.format("%02X", b[at + i]));
        return sb.toString();
    }

    private static String tagName(int tag) {
        return switch (tag) {
            case 2 -> " (MS ADPCM)";
            case 6 -> " (A-law)";
            case 7 -> " (mu-law)";
            case 0x11 -> " (IMA ADPCM)";
            case 0x55 -> " (MPEG layer 3)";
            default -> "";
        };
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    // ------------------------------------------------------------------ writing

    /** Writes 16-bit PCM (samples clamped to [-1, 1], scaled by 32768 and rounded), atomically. */
    public static void writePcm16(Path path, int sampleRate, float[]... channels) throws IOException {
        write(path, sampleRate, Encoding.PCM, channels);
    }

    /** Writes 32-bit IEEE float samples as given, atomically. */
    public static void writeFloat32(Path path, int sampleRate, float[]... channels) throws IOException {
        write(path, sampleRate, Encoding.FLOAT, channels);
    }

    private static void write(Path path, int sampleRate, Encoding enc, float[][] channels) throws IOException {
        if (channels.length == 0) throw new IllegalArgumentException("writing " + path + ": no channels given");
        if (sampleRate <= 0) throw new IllegalArgumentException("writing " + path + ": sample rate " + sampleRate);
        int frames = channels[0].length, c = channels.length, bytes = enc == Encoding.PCM ? 2 : 4;
        for (var ch : channels)
            if (ch.length != frames)
                throw new IllegalArgumentException("writing " + path + ": channels have different lengths (" + frames + " and " + ch.length + ")");
        long data = (long) frames * c * bytes;
        if (data + 44 > 0xFFFFFFFFL) throw new IllegalArgumentException("writing " + path + ": " + data + " bytes do not fit a RIFF file");
        var buf = ByteBuffer.allocate((int) (44 + data + (data & 1))).order(ByteOrder.LITTLE_ENDIAN);
        buf.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (36 + data + (data & 1)))
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) (enc == Encoding.PCM ? TAG_PCM : TAG_FLOAT)).putShort((short) c)
                .putInt(sampleRate).putInt(sampleRate * c * bytes).putShort((short) (c * bytes)).putShort((short) (8 * bytes))
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) data);
        for (int i = 0; i < frames; i++)
            for (var ch : channels) {
                if (enc == Encoding.PCM) buf.putShort(toPcm16(ch[i]));
                else buf.putFloat(ch[i]);
            }
        var abs = path.toAbsolutePath();
        var tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            Files.write(tmp, buf.array());
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Float in [-1, 1] to 16-bit: round(x * 32768), clamped to [-32768, 32767]; NaN becomes 0. */
    static short toPcm16(float x) {
        if (Float.isNaN(x)) return 0;
        long v = Math.round(x * 32768.0);
        return (short) Math.max(-32768, Math.min(32767, v));
    }
}
