package io.mater.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Asserts that reading fails with a FormatException whose message names the file and contains each fragment. */
    private void assertBad(Path p, String... fragments) {
        var e = assertThrows(Wav.FormatException.class, () -> Wav.read(p));
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
        for (var f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        var e2 = assertThrows(Wav.FormatException.class, () -> Wav.info(p));
        assertEquals(e.getMessage(), e2.getMessage());
    }

    // ------------------------------------------------------------------ encodings

    @Test
    void pcm16MonoValues() throws IOException {
        var p = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 16000, 2, 16))
                .chunk("data", WavBytes.pcm16((short) 0, (short) 16384, (short) -32768, (short) 32767)).write(dir, "a.wav");
        var w = Wav.read(p);
        assertEquals(16000, w.sampleRate());
        assertEquals(1, w.channelCount());
        assertEquals(4, w.frames());
        assertArrayEquals(new float[] {0f, 0.5f, -1f, 32767f / 32768f}, w.mono());
        assertEquals(Wav.Encoding.PCM, w.format().encoding());
        assertEquals(16, w.format().bitsPerSample());
    }

    @Test
    void pcm8IsUnsigned() throws IOException {
        var p = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 8000, 1, 8))
                .chunk("data", new byte[] {(byte) 128, (byte) 255, 0, 64, 1}).write(dir, "u8.wav"); // odd size: padded
        assertArrayEquals(new float[] {0f, 127f / 128f, -1f, -0.5f, -127f / 128f}, Wav.read(p).mono());
    }

    @Test
    void pcm24And32() throws IOException {
        var d24 = new byte[] {0, 0, 0x40, /**/ 0, 0, (byte) 0x80, /**/ (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, /**/ 1, 0, 0};
        var p24 = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 16000, 3, 24)).chunk("data", d24).write(dir, "24.wav");
        assertArrayEquals(new float[] {0.5f, -1f, -0x1p-23f, 0x1p-23f}, Wav.read(p24).mono());

        var d32 = WavBytes.le(12).putInt(Integer.MIN_VALUE).putInt(1 << 30).putInt(-(1 << 29)).array();
        var p32 = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 16000, 4, 32)).chunk("data", d32).write(dir, "32.wav");
        assertArrayEquals(new float[] {-1f, 0.5f, -0.25f}, Wav.read(p32).mono());
    }

    @Test
    void float32And64() throws IOException {
        var f32 = WavBytes.le(12).putFloat(0.25f).putFloat(-1.5f).putFloat(1e-7f).array();
        var p = new WavBytes().chunk("fmt ", WavBytes.fmt(3, 1, 22050, 4, 32)).chunk("data", f32).write(dir, "f32.wav");
        assertArrayEquals(new float[] {0.25f, -1.5f, 1e-7f}, Wav.read(p).mono(), "float samples pass through unclipped");

        var f64 = WavBytes.le(16).putDouble(0.125).putDouble(-0.75).array();
        var p64 = new WavBytes().chunk("fmt ", WavBytes.fmt(3, 1, 22050, 8, 64)).chunk("data", f64).write(dir, "f64.wav");
        assertArrayEquals(new float[] {0.125f, -0.75f}, Wav.read(p64).mono());
    }

    @Test
    void extensiblePcmAndFloat() throws IOException {
        // 24-bit container holding 20 valid bits, stereo
        var d = new byte[] {0, 0, 0x40, 0, 0, (byte) 0xC0, /**/ 0, 0, 0, 0, 0, 0x20};
        var p = new WavBytes().chunk("fmt ", WavBytes.fmtExtensible(2, 48000, 24, 20, 1)).chunk("data", d).write(dir, "ext.wav");
        var w = Wav.read(p);
        assertTrue(w.format().extensible());
        assertEquals(20, w.format().validBits());
        assertArrayEquals(new float[] {0.5f, 0f}, w.channel(0));
        assertArrayEquals(new float[] {-0.5f, 0.25f}, w.channel(1));
        assertArrayEquals(new float[] {0f, 0.125f}, w.mono());

        var f = WavBytes.le(8).putFloat(0.75f).putFloat(-0.25f).array();
        var pf = new WavBytes().chunk("fmt ", WavBytes.fmtExtensible(1, 48000, 32, 32, 3)).chunk("data", f).write(dir, "extf.wav");
        assertEquals(Wav.Encoding.FLOAT, Wav.read(pf).format().encoding());
        assertArrayEquals(new float[] {0.75f, -0.25f}, Wav.read(pf).mono());
    }

    @Test
    void multiChannelDownmixIsTheMean() throws IOException {
        // three channels, interleaved: frame 0 = (0.5, -0.25, 0.25), frame 1 = (1-2^-15, -1, 0)
        var d = WavBytes.pcm16((short) 16384, (short) -8192, (short) 8192, (short) 32767, (short) -32768, (short) 0);
        var p = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 3, 16000, 6, 16)).chunk("data", d).write(dir, "3ch.wav");
        var w = Wav.read(p);
        assertEquals(3, w.channelCount());
        assertArrayEquals(new float[] {0.5f, 32767f / 32768f}, w.channel(0));
        assertArrayEquals(new float[] {-0.25f, -1f}, w.channel(1));
        assertArrayEquals(new float[] {0.25f, 0f}, w.channel(2));
        var mono = w.mono();
        assertEquals(0.5f / 3, mono[0], 1e-7);
        assertEquals((32767f / 32768f - 1f) / 3, mono[1], 1e-7);
        assertThrows(IndexOutOfBoundsException.class, () -> w.channel(3));
    }

    // ------------------------------------------------------------------ chunk layout

    @Test
    void unknownChunksSkippedOnBothSidesWithPadding() throws IOException {
        var p = new WavBytes().chunk("JUNK", new byte[] {1, 2, 3}) // odd: pad byte follows
                .chunk("fmt ", WavBytes.fmt(1, 1, 16000, 2, 16)).chunk("FLLR", new byte[7])
                .chunk("data", WavBytes.pcm16((short) 8192, (short) -8192))
                .chunk("LIST", new byte[5]).chunk("bext", new byte[602]).chunk("_PMX", new byte[11]).write(dir, "chunks.wav");
        var w = Wav.read(p);
        assertArrayEquals(new float[] {0.25f, -0.25f}, w.mono());
        assertEquals(2, Wav.info(p).frames());
    }

    @Test
    void oddDataChunkFollowedByPadThenMoreChunks() throws IOException {
        var p = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 8000, 1, 8)).chunk("data", new byte[] {(byte) 192, (byte) 64, (byte) 128})
                .chunk("LIST", new byte[4]).write(dir, "oddpad.wav");
        assertArrayEquals(new float[] {0.5f, -0.5f, 0f}, Wav.read(p).mono());
    }

    @Test
    void missingFinalPadByteIsTolerated() throws IOException {
        var bytes = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 8000, 1, 8)).chunk("data", 3, new byte[] {(byte) 192, 64, (byte) 128}, false)
                .build("RIFF", 4 + 24 + 8 + 4, "WAVE"); // RIFF size counts the pad byte the file lacks
        assertArrayEquals(new float[] {0.5f, -0.5f, 0f}, Wav.read(file("nopad.wav", bytes)).mono());
    }

    @Test
    void streamingSizes() throws IOException {
        var samples = WavBytes.pcm16((short) 16384, (short) -16384, (short) 8192);
        // data size 0xFFFFFFFF: the samples run to the end of the file, whatever the RIFF size says
        var a = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 16000, 2, 16)).chunk("data", 0xFFFFFFFFL, samples, false)
                .build("RIFF", 0xFFFFFFFFL, "WAVE");
        assertArrayEquals(new float[] {0.5f, -0.5f, 0.25f}, Wav.read(file("stream1.wav", a)).mono());
        // data size 0 with a placeholder RIFF size (0): also to the end of the file
        var b = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 16000, 2, 16)).chunk("data", 0, samples, false).build("RIFF", 0, "WAVE");
        assertEquals(3, Wav.read(file("stream2.wav", b)).frames());
        // data size 0 in a file with a real RIFF size: an empty clip
        var c = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 16000, 2, 16)).chunk("data", new byte[0]).chunk("LIST", new byte[4]).build();
        var w = Wav.read(file("empty.wav", c));
        assertEquals(0, w.frames());
        assertEquals(0, w.mono().length);
    }

    @Test
    void trailingBytesAfterTheRiffFormAreIgnored() throws IOException {
        var wb = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 16000, 2, 16)).chunk("data", WavBytes.pcm16((short) 16384));
        var bytes = wb.build();
        var longer = java.util.Arrays.copyOf(bytes, bytes.length + 5);
        assertArrayEquals(new float[] {0.5f}, Wav.read(file("trail.wav", longer)).mono());
    }

    // ------------------------------------------------------------------ malformed files

    @Test
    void truncatedData() throws IOException {
        var bytes = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 16000, 2, 16)).chunk("data", 123456, new byte[1000], false)
                .build("RIFF", 0xFFFFFFFFL, "WAVE");
        assertBad(file("trunc.wav", bytes), "'data' chunk at offset 36 declares 123456 bytes but only 1000 remain");
    }

    @Test
    void truncatedFileShorterThanRiffSize() throws IOException {
        var full = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 16000, 2, 16)).chunk("data", new byte[2000]).build();
        assertBad(file("cut.wav", java.util.Arrays.copyOf(full, 1500)), "truncated", "RIFF header declares 2036 bytes", "only 1492 follow");
        assertBad(file("tiny.wav", new byte[] {'R', 'I', 'F', 'F', 0}), "5 bytes, too short");
        assertBad(file("zero.wav", new byte[0]), "0 bytes, too short");
    }

    @Test
    void wrongMagic() throws IOException {
        var wb = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 16000, 2, 16)).chunk("data", new byte[2]);
        assertBad(file("rifx.wav", wb.build("RIFX", 30, "WAVE")), "big-endian RIFX");
        assertBad(file("rf64.wav", wb.build("RF64", 30, "WAVE")), "RF64");
        assertBad(file("avi.wav", wb.build("RIFF", 30, "AVI ")), "form type is 'AVI ', expected 'WAVE'");
        assertBad(file("text.wav", "hello, this is not audio at all".getBytes()), "not a WAV file: starts with 'hell'");
        assertBad(file("bin.wav", new byte[] {(byte) 0xFF, (byte) 0xFB, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0}), "not a WAV file", "\\xFF\\xFB");
    }

    @Test
    void missingChunks() throws IOException {
        assertBad(new WavBytes().chunk("LIST", new byte[4]).chunk("data", new byte[4]).write(dir, "nofmt.wav"), "no fmt chunk",
                "chunks: LIST, data");
        assertBad(new WavBytes().chunk("fmt ", WavBytes.fmt(1, 1, 16000, 2, 16)).write(dir, "nodata.wav"), "no data chunk");
        assertBad(file("bare.wav", new WavBytes().build()), "no fmt chunk");
    }

    @Test
    void fmtAfterData() throws IOException {
        var p = new WavBytes().chunk("data", new byte[4]).chunk("fmt ", WavBytes.fmt(1, 1, 16000, 2, 16)).write(dir, "order.wav");
        assertBad(p, "fmt chunk at offset 24 comes after the data chunk at offset 12");
    }

    @Test
    void duplicateChunks() throws IOException {
        var fmt = WavBytes.fmt(1, 1, 16000, 2, 16);
        assertBad(new WavBytes().chunk("fmt ", fmt).chunk("fmt ", fmt).chunk("data", new byte[2]).write(dir, "2fmt.wav"), "second fmt chunk");
        assertBad(new WavBytes().chunk("fmt ", fmt).chunk("data", new byte[2]).chunk("data", new byte[2]).write(dir, "2data.wav"),
                "second data chunk");
    }

    @Test
    void badFmtFields() throws IOException {
        Map<String, List<Object>> cases = Map.of(
                "zero channels", List.of(WavBytes.fmt(1, 0, 16000, 2, 16), "fmt chunk says 0 channels"),
                "bad block align", List.of(WavBytes.fmt(1, 2, 16000, 2, 16), "block align is 2 but 2 channel(s) of 16-bit samples need 4"),
                "zero rate", List.of(WavBytes.fmt(1, 1, 0, 2, 16), "sample rate 0 Hz"),
                "a-law", List.of(WavBytes.fmt(6, 1, 8000, 1, 8), "format tag 0x0006 (A-law) is not supported"),
                "float16", List.of(WavBytes.fmt(3, 1, 8000, 2, 16), "IEEE float with 16 bits per sample"),
                "pcm 40 bits", List.of(WavBytes.fmt(1, 1, 8000, 5, 40), "PCM with 40 bits per sample"),
                "short fmt", List.of(new byte[12], "fmt chunk is 12 bytes, needs at least 16"),
                "short extensible", List.of(java.util.Arrays.copyOf(WavBytes.fmt(0xFFFE, 1, 8000, 2, 16), 16), "WAVE_FORMAT_EXTENSIBLE fmt chunk is 16 bytes"));
        int i = 0;
        for (var e : cases.entrySet()) {
            var p = new WavBytes().chunk("fmt ", (byte[]) e.getValue().get(0)).chunk("data", new byte[8]).write(dir, "fmt" + i++ + ".wav");
            assertBad(p, (String) e.getValue().get(1));
        }
        var guid = WavBytes.fmtExtensible(1, 8000, 16, 16, 1);
        guid[30] = 0x11; // corrupt the GUID tail
        assertBad(new WavBytes().chunk("fmt ", guid).chunk("data", new byte[2]).write(dir, "guid.wav"), "sub-format GUID 0100");
        var adpcm = WavBytes.fmtExtensible(1, 8000, 16, 16, 2);
        assertBad(new WavBytes().chunk("fmt ", adpcm).chunk("data", new byte[2]).write(dir, "extadpcm.wav"), "format tag 0x0002 (MS ADPCM)");
    }

    @Test
    void dataNotWholeFrames() throws IOException {
        var p = new WavBytes().chunk("fmt ", WavBytes.fmt(1, 2, 16000, 4, 16)).chunk("data", new byte[10]).write(dir, "partial.wav");
        assertBad(p, "data chunk holds 10 bytes, not a whole number of 4-byte frames");
    }

    @Test
    void strayBytesAndTruncatedTrailingChunk() throws IOException {
        var fmt = WavBytes.fmt(1, 1, 16000, 2, 16);
        assertBad(file("stray.wav", new WavBytes().chunk("fmt ", fmt).chunk("data", new byte[2]).raw(new byte[] {1, 2, 3}).build()),
                "3 stray bytes at offset 46");
        assertBad(file("trunclist.wav", new WavBytes().chunk("fmt ", fmt).chunk("data", new byte[2]).chunk("LIST", 100, new byte[10], false).build()),
                "'LIST' chunk at offset 46 declares 100 bytes but only 10 remain");
    }

    // ------------------------------------------------------------------ writer

    @Test
    void writeAndReadBack() throws IOException {
        var left = new float[] {0f, 0.5f, -0.5f, 1f, -1f, 2f, -3f, 0.25f + 1e-6f};
        var right = new float[] {0.125f, -0.125f, 0f, 0f, 0f, 0f, 0f, Float.NaN};
        var p = dir.resolve("pcm.wav");
        Wav.writePcm16(p, 16000, left, right);
        var w = Wav.read(p);
        assertEquals(2, w.channelCount());
        assertEquals(16000, w.sampleRate());
        assertArrayEquals(new float[] {0f, 0.5f, -0.5f, 32767f / 32768f, -1f, 32767f / 32768f, -1f, 0.25f}, w.channel(0));
        assertArrayEquals(new float[] {0.125f, -0.125f, 0f, 0f, 0f, 0f, 0f, 0f}, w.channel(1));

        assertEquals(44 + 8 * 2 * 2, Files.size(p));

        var f = dir.resolve("float.wav");
        Wav.writeFloat32(f, 44100, left);
        assertArrayEquals(left, Wav.read(f).mono());
        assertEquals(Wav.Encoding.FLOAT, Wav.info(f).format().encoding());

        Wav.writePcm16(f, 8000, new float[] {0.5f}); // replaces the existing file
        assertEquals(8000, Wav.info(f).format().sampleRate());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("float.wav", "pcm.wav"), s.map(x -> x.getFileName().toString()).sorted().toList(), "no temp files left");
        }
        assertThrows(IllegalArgumentException.class, () -> Wav.writePcm16(p, 16000, new float[2], new float[3]));
    }

    // ------------------------------------------------------------------ real RAVDESS files

    @Test
    void ravdess48kOriginals() throws IOException {
        List<Path> files;
        try (var s = Files.walk(SharedData.path("ravdess-speech-48k"))) {
            files = s.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
        }
        assertEquals(8, files.size());
        var stereo = List.of("03-01-02-01-01-02-01.wav", "03-01-08-01-02-02-01.wav", "03-01-02-01-02-02-05.wav",
                "03-01-03-01-02-01-20.wav", "03-01-06-01-01-02-20.wav");
        int compared = 0;
        for (var f : files) {
            var w = Wav.read(f);
            var name = f.getFileName().toString();
            assertEquals(48000, w.sampleRate(), name);
            assertEquals(16, w.format().bitsPerSample(), name);
            assertEquals(stereo.contains(name) ? 2 : 1, w.channelCount(), name);
            assertTrue(w.seconds() > 2.9 && w.seconds() < 5.3, name + " lasts " + w.seconds() + " s");
            assertEquals(w.frames(), Wav.info(f).frames());
            if (w.channelCount() == 2) { // the downmix is the mean of the two channels
                var l = w.channel(0);
                var r = w.channel(1);
                var m = w.mono();
                for (int i = 0; i < m.length; i += 997) assertEquals((l[i] + r[i]) / 2, m[i], 1e-7f);
            }
            var low = SharedData.dir().resolve("ravdess-speech-16k").resolve(f.getParent().getFileName()).resolve(name);
            if (Files.exists(low)) { // sox output: round(N / 3) frames, same duration
                var info16 = Wav.info(low);
                assertEquals(1, info16.format().channels());
                assertEquals(16000, info16.format().sampleRate());
                assertEquals(Math.round(w.frames() / 3.0), info16.frames(), name);
                assertEquals(w.seconds(), info16.seconds(), 1.0 / 16000, name);
                compared++;
            }
        }
        assertEquals(7, compared, "Actor_24 has no 16 kHz counterpart; the other seven do");
    }
}
