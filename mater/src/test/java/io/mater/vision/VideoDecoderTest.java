package io.mater.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding the real test videos (every container/codec the datasets use) and failing clearly. */
class VideoDecoderTest {
    private Set<Long> childrenBefore;

    @BeforeEach
    void rememberChildren() {
        childrenBefore = liveChildren();
    }

    /** Every test must leave no ffmpeg/ffprobe process behind. */
    @AfterEach
    void noProcessLeftBehind() throws InterruptedException {
        for (int i = 0; i < 50 && !leftBehind().isEmpty(); i++) Thread.sleep(20);
        assertEquals(Set.of(), leftBehind(), "child processes left running");
    }

    private Set<Long> leftBehind() {
        var now = liveChildren();
        now.removeAll(childrenBefore);
        return now;
    }

    private static Set<Long> liveChildren() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    /**
     * Frame count (as ffprobe -count_frames), size, frame rate, first and last timestamps and audio length
     * (ffprobe's audio stream end, or the container's when the stream has no duration) per file.
     */
    @ParameterizedTest
    @CsvSource({
        "cremad/1001_DFA_ANG_XX.flv, 67, 480, 360, 29.97, 0.027, 2.229, 2.235",
        "cremad/1001_DFA_HAP_XX.flv, 56, 480, 360, 29.97, 0.027, 1.862, 1.868",
        "ravdess/01-01-07-02-02-01-01.mp4, 120, 640, 480, 29.97, 0.0, 3.9706, 4.004",
        "grid/bbaf2n.mpg, 75, 360, 288, 25.0, 0.0, 2.96, 2.952",
        "grid/sbwe5n.mpg, 75, 360, 288, 25.0, 0.0, 2.96, 2.952",
        "face-presence/face_noface.mov, 169, 960, 540, 26.398, 0.0, 6.3604, 6.424",
        "face-presence/noface_face.mov, 169, 960, 540, 26.495, 0.0, 6.3453, 3.945",
        "face-presence/single_face.mp4, 72, 640, 360, 30.0, 0.0, 2.3667, 2.419",
    })
    void decodesEveryFormat(String file, int frames, int width, int height, double fps, double first, double last,
                            double audioSeconds) {
        Path video = TestData.video(file);
        var info = VideoInfo.probe(video);
        var v = info.video().orElseThrow();
        assertEquals(width, v.width());
        assertEquals(height, v.height());
        assertEquals(fps, v.avgFrameRate(), 0.01);

        var times = new ArrayList<Double>();
        try (var d = VideoDecoder.open(video, DecodeOptions.gray())) {
            while (d.hasNext()) {
                var f = d.next();
                assertEquals(times.size(), f.index());
                assertEquals(width, f.width());
                assertEquals(height, f.height());
                assertEquals(width * height, f.pixels().length);
                times.add(f.time());
            }
            assertEquals(List.of(), d.decodeErrors());
        }
        assertEquals(frames, times.size(), "frames of " + file);
        assertEquals(first, times.get(0), 1e-3);
        assertEquals(last, times.get(times.size() - 1), 1e-3);
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i) > times.get(i - 1), file + ": time of frame " + i + " not increasing");
        }
        // Mean frame interval agrees with the average frame rate.
        assertEquals(1 / fps, (last - first) / (frames - 1), 0.02 / fps);

        float[] audio = AudioExtractor.read(video, 16000);
        assertEquals(audioSeconds, audio.length / 16000.0, 0.06, "audio length of " + file);
        double energy = 0;
        for (float a : audio) {
            assertTrue(a >= -1.1f && a <= 1.1f, "channels are averaged, not summed"); // resampler ringing: > 1 slightly
            energy += a * a;
        }
        assertTrue(Math.sqrt(energy / audio.length) > 1e-4, "audio of " + file + " is silent"); // single_face: rms 8e-4
    }

    /** Variable frame rate: every timestamp equals ffprobe's best-effort timestamp of the same frame. */
    @Test
    void variableFrameRateTimestampsMatchFfprobe() throws IOException, InterruptedException {
        Path video = TestData.video("face-presence/face_noface.mov");
        var p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "frame=best_effort_timestamp_time", "-of", "csv=p=0", video.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        var expected = new ArrayList<Double>();
        for (String line : out.split("\\R")) {
            String t = line.replace(",", "").trim();
            if (!t.isEmpty()) expected.add(Double.parseDouble(t));
        }
        var frames = VideoDecoder.readAll(video, DecodeOptions.gray().withSize(96, 54));
        assertEquals(expected.size(), frames.size());
        var gaps = new java.util.TreeSet<Long>();
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(expected.get(i), frames.get(i).time(), 1e-6, "frame " + i);
            if (i > 0) gaps.add(Math.round((frames.get(i).time() - frames.get(i - 1).time()) * 1000));
        }
        assertTrue(gaps.size() > 1, "a variable frame rate file has unequal frame intervals: " + gaps);
    }

    @Test
    void framesCanBeScaledSteppedAndCut() {
        Path video = TestData.video("grid/bbaf2n.mpg");
        var all = VideoDecoder.readAll(video, DecodeOptions.gray());

        var half = VideoDecoder.readAll(video, DecodeOptions.gray().withScale(0.5));
        assertEquals(all.size(), half.size());
        assertEquals(180, half.get(0).width());
        assertEquals(144, half.get(0).height());
        var sized = VideoDecoder.readAll(video, DecodeOptions.gray().withSize(120, -1).withScaleFlags("bilinear"));
        assertEquals(120, sized.get(0).width());
        assertEquals(96, sized.get(0).height());

        var every3 = VideoDecoder.readAll(video, DecodeOptions.gray().withFrameStep(3));
        assertEquals((all.size() + 2) / 3, every3.size());
        for (int i = 0; i < every3.size(); i++) {
            var f = every3.get(i);
            assertEquals(3 * i, f.index());
            assertEquals(all.get(3 * i).time(), f.time(), 1e-9);
            assertArrayEquals(all.get(3 * i).pixels(), f.pixels());
        }

        var cut = VideoDecoder.readAll(video, DecodeOptions.gray().withRange(1.0, 0.5));
        var inRange = all.stream().filter(f -> f.time() >= 1.0 - 1e-9 && f.time() < 1.5 - 1e-9).toList();
        assertEquals(inRange.size(), cut.size());
        for (int i = 0; i < cut.size(); i++) assertEquals(inRange.get(i).time(), cut.get(i).time(), 1e-6);

        var rgb = VideoDecoder.readAll(video, DecodeOptions.rgb().withFrameStep(25));
        assertEquals(3, rgb.size());
        assertEquals(PixelFormat.RGB24, rgb.get(0).format());
        assertEquals(360 * 288 * 3, rgb.get(0).pixels().length);
        // Grey from RGB (BT.601 weights) is close to ffmpeg's own grey conversion of the same frame.
        byte[] g1 = rgb.get(1).gray().pixels(), g2 = all.get(25).pixels();
        double diff = 0;
        for (int i = 0; i < g1.length; i++) diff += Math.abs((g1[i] & 0xFF) - (g2[i] & 0xFF));
        assertTrue(diff / g1.length < 3, "mean |grey(rgb) - grey| = " + diff / g1.length);
    }

    @Test
    void streamingStopsTheProcessOnClose() {
        Path video = TestData.video("face-presence/noface_face.mov");
        long pid;
        try (var d = VideoDecoder.open(video, DecodeOptions.gray())) {
            pid = d.processId();
            for (int i = 0; i < 3; i++) assertEquals(i, d.next().index());
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "ffmpeg runs while streaming");
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "ffmpeg stopped by close()");
        try (var d = VideoDecoder.open(video, DecodeOptions.gray().withScale(0.25)); var s = d.stream()) {
            assertEquals(List.of(0, 1, 2, 3, 4), s.limit(5).map(Frame::index).toList());
        }
    }

    /** The 16 kHz audio of the RAVDESS video is the dataset's own 16 kHz audio-only recording of the same take. */
    @Test
    void audioMatchesTheDatasetRecording() throws IOException {
        float[] a = AudioExtractor.read(TestData.video("ravdess/01-01-07-02-02-01-01.mp4"), 16000);
        float[] b = readWav16(TestData.sharedData().resolve("ravdess-speech-16k/Actor_01/03-01-07-02-02-01-01.wav"));
        double best = 0;
        int bestLag = 0;
        for (int lag = -800; lag <= 800; lag++) { // +-50 ms
            double ab = 0, aa = 0, bb = 0;
            for (int i = 0; i < a.length; i++) {
                int j = i - lag;
                if (j < 0 || j >= b.length) continue;
                ab += a[i] * b[j];
                aa += a[i] * a[i];
                bb += b[j] * b[j];
            }
            double c = ab / Math.sqrt(aa * bb);
            if (c > best) {
                best = c;
                bestLag = lag;
            }
        }
        assertTrue(best > 0.9, "correlation " + best + " at lag " + bestLag);
        assertTrue(Math.abs(bestLag) < 160, "lag " + bestLag + " samples");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = Path.of("/nonexistent/dir/clip.mp4");
        var e = assertThrows(VideoException.class, () -> VideoDecoder.open(missing, DecodeOptions.gray()));
        assertTrue(e.getMessage().contains("/nonexistent/dir/clip.mp4") && e.getMessage().contains("not found"), e.getMessage());
        assertEquals(missing, e.file());
        assertThrows(VideoException.class, () -> AudioExtractor.read(missing, 16000));
        assertThrows(VideoException.class, () -> VideoInfo.probe(missing));
    }

    @Test
    void nonVideoFilesFailClearly() {
        Path text = TestData.sharedData().resolve("README.md");
        var e = assertThrows(VideoException.class, () -> VideoDecoder.readAll(text, DecodeOptions.gray()));
        assertTrue(e.getMessage().contains(text.toString()) && e.getMessage().contains("not a media file"), e.getMessage());
        assertTrue(e.getMessage().contains("Invalid data found"), "quotes ffmpeg's stderr: " + e.getMessage());

        Path wav = TestData.sharedData().resolve("ravdess-speech-16k/Actor_01/03-01-01-01-01-01-01.wav");
        var e2 = assertThrows(VideoException.class, () -> VideoDecoder.readAll(wav, DecodeOptions.gray()));
        assertTrue(e2.getMessage().contains(wav.toString()) && e2.getMessage().contains("no video stream"), e2.getMessage());
    }

    @Test
    void missingFfmpegIsReported() {
        var bad = new Ffmpeg("/nonexistent/bin/ffmpeg", "/nonexistent/bin/ffprobe");
        Path video = TestData.video("grid/bbaf2n.mpg");
        var e = assertThrows(VideoException.class, () -> VideoDecoder.open(bad, video, DecodeOptions.gray()));
        assertTrue(e.getMessage().contains("/nonexistent/bin/ffmpeg") && e.getMessage().contains(video.toString()),
                e.getMessage());
        var e2 = assertThrows(VideoException.class, () -> AudioExtractor.read(bad, video, 16000));
        assertTrue(e2.getMessage().contains("cannot run"), e2.getMessage());
        var e3 = assertThrows(VideoException.class, () -> VideoInfo.probe(bad, video));
        assertTrue(e3.getMessage().contains("/nonexistent/bin/ffprobe"), e3.getMessage());
    }

    @Test
    void damagedFilesFailOrReportErrors(@TempDir Path tmp) throws IOException {
        byte[] mp4 = Files.readAllBytes(TestData.video("ravdess/01-01-07-02-02-01-01.mp4"));
        // Cut inside the header: nothing can be decoded.
        Path head = tmp.resolve("head.mp4");
        Files.write(head, java.util.Arrays.copyOf(mp4, 1000));
        var e = assertThrows(VideoException.class, () -> VideoDecoder.readAll(head, DecodeOptions.gray()));
        assertTrue(e.getMessage().contains(head.toString()), e.getMessage());
        // Cut in the middle of the data: ffmpeg decodes what it can and says what went wrong.
        Path half = tmp.resolve("half.mp4");
        Files.write(half, java.util.Arrays.copyOf(mp4, mp4.length / 5));
        try (var d = VideoDecoder.open(half, DecodeOptions.gray())) {
            int n = 0;
            while (d.hasNext()) {
                d.next();
                n++;
            }
            assertTrue(n > 0 && n < 120, n + " frames");
            assertFalse(d.decodeErrors().isEmpty());
        }
    }

    @Test
    void videoWithoutAudioSaysSo(@TempDir Path tmp) throws IOException, InterruptedException {
        Path silent = tmp.resolve("silent.mp4");
        var p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10",
                "-t", "0.5", "-pix_fmt", "yuv420p", silent.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        assertEquals(5, VideoDecoder.readAll(silent, DecodeOptions.gray()).size());
        var e = assertThrows(VideoException.class, () -> AudioExtractor.read(silent, 16000));
        assertTrue(e.getMessage().contains("no audio stream") && e.getMessage().contains(silent.toString()), e.getMessage());
    }

    @Test
    void badOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> DecodeOptions.gray().withFrameStep(0));
        assertThrows(IllegalArgumentException.class, () -> DecodeOptions.gray().withSize(-1, -1));
        assertThrows(IllegalArgumentException.class, () -> DecodeOptions.gray().withSize(100, 0));
        assertThrows(IllegalArgumentException.class, () -> DecodeOptions.gray().withRange(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> DecodeOptions.gray().withScaleFlags("area;rm"));
        assertThrows(IllegalArgumentException.class, () -> AudioExtractor.read(Path.of("x"), 10));
    }

    /** A minimal reader for the 16-bit mono WAVs of ravdess-speech-16k (skips chunks other than data). */
    private static float[] readWav16(Path file) throws IOException {
        var b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(12);
        while (b.remaining() >= 8) {
            int id = b.getInt(), size = b.getInt();
            if (id == 0x61746164) { // "data"
                var out = new float[size / 2];
                for (int i = 0; i < out.length; i++) out[i] = b.getShort() / 32768f;
                return out;
            }
            b.position(b.position() + size + (size & 1));
        }
        throw new IOException("no data chunk in " + file);
    }
}
