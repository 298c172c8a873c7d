package io.mater.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helper: assembles RIFF/WAVE files chunk by chunk, including broken ones. */
final class WavBytes {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    /** A 16-byte fmt body. */
    static byte[] fmt(int tag, int channels, int rate, int blockAlign, int bits) {
        return le(16).putShort((short) tag).putShort((short) channels).putInt(rate).putInt(rate * blockAlign)
                .putShort((short) blockAlign).putShort((short) bits).array();
    }

    /** A 40-byte WAVE_FORMAT_EXTENSIBLE fmt body whose sub-format GUID carries subTag. */
    static byte[] fmtExtensible(int channels, int rate, int bits, int validBits, int subTag) {
        int align = channels * bits / 8;
        return le(40).putShort((short) 0xFFFE).putShort((short) channels).putInt(rate).putInt(rate * align)
                .putShort((short) align).putShort((short) bits).putShort((short) 22).putShort((short) validBits).putInt(3)
                .putShort((short) subTag).put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71})
                .array();
    }

    static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] pcm16(short... s) {
        var b = le(2 * s.length);
        for (short v : s) b.putShort(v);
        return b.array();
    }

    /** A chunk with its true size and, when odd, a pad byte. */
    WavBytes chunk(String id, byte[] data) {
        return chunk(id, data.length & 0xFFFFFFFFL, data, true);
    }

    /** A chunk declaring any size, followed by the given bytes (and a pad byte if asked and odd). */
    WavBytes chunk(String id, long declared, byte[] data, boolean pad) {
        body.writeBytes(id.getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(le(4).putInt((int) declared).array());
        body.writeBytes(data);
        if (pad && (data.length & 1) == 1) body.write(0);
        return this;
    }

    /** Raw bytes appended as they are. */
    WavBytes raw(byte[] b) {
        body.writeBytes(b);
        return this;
    }

    byte[] build() {
        return build("RIFF", 4L + body.size(), "WAVE");
    }

    byte[] build(String magic, long riffSize, String form) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(magic.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(le(4).putInt((int) riffSize).array());
        out.writeBytes(form.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    Path write(Path dir, String name) throws IOException {
        return Files.write(dir.resolve(name), build());
    }
}
