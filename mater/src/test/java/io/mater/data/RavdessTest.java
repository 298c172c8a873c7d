package io.mater.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.SharedData;
import io.mater.audio.Wav;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RavdessTest {
    @TempDir
    Path dir;

    @Test
    void realSpeech16k() throws IOException {
        var ds = Ravdess.scan(SharedData.path("ravdess-speech-16k"));
        assertEquals(1200, ds.clips().size());
        assertEquals(List.of(), ds.problems());
        var subjects = new ArrayList<String>();
        for (int a = 1; a <= 20; a++) subjects.add(String.format("%02d", a));
        assertEquals(subjects, ds.subjects());
        for (var e : ds.countsBySubject().entrySet()) assertEquals(60, e.getValue(), "actor " + e.getKey());
        var expected = new LinkedHashMap<String, Integer>();
        for (var c : Ravdess.CLASSES) expected.put(c, c.equals("neutral") ? 80 : 160); // neutral has no strong intensity
        assertEquals(expected, ds.countsByClass());
        long strong = ds.clips().stream().filter(c -> c.intensity().equals("strong")).count();
        assertEquals(7 * 20 * 4, strong);
        for (var c : ds.clips()) {
            assertEquals(16000, c.sampleRate(), c.id());
            assertTrue(c.seconds() > 2.9 && c.seconds() < 5.3, c.id() + " lasts " + c.seconds());
            assertEquals(Ravdess.CLASSES.get(c.label()), c.emotion());
            assertEquals(Integer.parseInt(c.id().substring(6, 8)) - 1, c.label(), c.id());
            assertEquals(c.id().substring(18), c.subject());
        }
        var s = ds.summary();
        System.out.println(s);
        assertTrue(s.startsWith("RAVDESS speech: 1200 clips, 8 classes, 20 subjects, 0 bad file(s) skipped"), s);
        var lines = s.lines().toList();
        assertEquals(List.of("subject", "neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised", "total"),
                List.of(lines.get(1).trim().split(" +")));
        assertEquals(List.of("01", "4", "8", "8", "8", "8", "8", "8", "8", "60"), List.of(lines.get(2).trim().split(" +")));
        assertEquals(List.of("total", "80", "160", "160", "160", "160", "160", "160", "160", "1200"),
                List.of(lines.get(22).trim().split(" +")));
        assertEquals(23, lines.size());
    }

    @Test
    void real48kOriginalsIncludeActor24() throws IOException {
        var ds = Ravdess.scan(SharedData.path("ravdess-speech-48k"));
        assertEquals(8, ds.clips().size());
        assertEquals(List.of("01", "05", "12", "20", "24"), ds.subjects());
        assertTrue(ds.clips().stream().allMatch(c -> c.sampleRate() == 48000));
    }

    private Path wav(String rel) throws IOException {
        var p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Wav.writePcm16(p, 16000, new float[800]);
        return p;
    }

    @Test
    void fakeTreeWithBadFiles() throws IOException {
        wav("Actor_01/03-01-05-01-01-01-01.wav");
        wav("Actor_01/03-01-01-01-02-02-01.wav");
        wav("Actor_02/03-01-08-02-01-01-02.wav");
        wav("Actor_21/03-02-03-01-01-01-21.wav"); // song: left out of a speech scan
        Files.writeString(dir.resolve("Actor_01/notes.txt"), "not audio, not looked at");
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("Actor_01/03-01-05-01-01-01.wav", "seven two-digit fields");
        bad.put("Actor_01/03-01-09-01-01-01-01.wav", "emotion 09");
        bad.put("Actor_01/03-01-01-02-01-01-01.wav", "neutral (01) has no strong intensity");
        bad.put("Actor_02/03-01-05-01-01-01-03.wav", "file says actor 03 but sits in Actor_02");
        bad.put("Actor_02/02-01-05-01-01-01-02.wav", "modality 02");
        bad.put("Actor_02/03-01-05-01-03-01-02.wav", "statement 03");
        for (var rel : bad.keySet()) wav(rel);
        Files.write(dir.resolve("Actor_02/03-01-04-01-01-01-02.wav"), new byte[] {'R', 'I', 'F', 'F', 1, 2, 3, 4, 5, 6, 7, 8, 9});
        bad.put("Actor_02/03-01-04-01-01-01-02.wav", "unreadable: ");
        var copy = dir.resolve("elsewhere/03-01-05-01-01-01-01.wav");
        Files.createDirectories(copy.getParent());
        Files.copy(dir.resolve("Actor_01/03-01-05-01-01-01-01.wav"), copy);
        bad.put("elsewhere/03-01-05-01-01-01-01.wav", "duplicate clip id 03-01-05-01-01-01-01");

        var e = assertThrows(Corpus.BadFilesException.class, () -> Ravdess.scan(dir));
        assertEquals(bad.size(), e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains(bad.size() + " bad file(s) (pass skipBad to skip them)"), e.getMessage());
        var ds = Ravdess.scan(dir, Ravdess.Vocal.SPEECH, true);
        assertEquals(3, ds.clips().size());
        assertEquals(bad.size(), ds.problems().size());
        for (var p : ds.problems()) {
            var rel = dir.relativize(p.path()).toString();
            assertTrue(bad.containsKey(rel), rel);
            assertTrue(p.reason().contains(bad.get(rel)), rel + ": " + p.reason());
        }
        assertTrue(ds.summary().contains("skipped " + dir.resolve("Actor_01/03-01-09-01-01-01-01.wav") + ": misnamed: emotion 09"));
        assertEquals(Map.of("01", 2, "02", 1), ds.countsBySubject());
        assertEquals(0.05, ds.clips().get(0).seconds(), 1e-12);

        var song = Ravdess.scan(dir, Ravdess.Vocal.SONG, true);
        assertEquals(1, song.clips().size());
        assertEquals("21", song.clips().get(0).subject());
        assertEquals("happy", song.clips().get(0).emotion());
    }

    @Test
    void emptyOrMissingRoot() throws IOException {
        assertThrows(IOException.class, () -> Ravdess.scan(dir.resolve("nope")));
        var e = assertThrows(IOException.class, () -> Ravdess.scan(dir));
        assertTrue(e.getMessage().contains("no .wav files under"), e.getMessage());
    }
}
