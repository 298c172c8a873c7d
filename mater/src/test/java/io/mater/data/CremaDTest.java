package io.mater.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.audio.Wav;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CremaDTest {
    @TempDir
    Path dir;

    /** A fake CREMA-D: actors 1001, 1002, 1091; every emotion; sentence IEO at three levels, DFA and TIE unspecified. */
    private Path fakeTree() throws IOException {
        var audio = Files.createDirectories(dir.resolve("AudioWAV"));
        Files.createDirectories(dir.resolve("VideoFlash"));
        Files.writeString(dir.resolve("VideoFlash/1001_DFA_ANG_XX.flv"), "not looked at");
        for (var actor : List.of("1001", "1002", "1091"))
            for (var emo : CremaD.CODES) {
                for (var level : List.of("LO", "MD", "HI")) Wav.writePcm16(audio.resolve(actor + "_IEO_" + emo + "_" + level + ".wav"), 16000, new float[1600]);
                Wav.writePcm16(audio.resolve(actor + "_DFA_" + emo + "_XX.wav"), 16000, new float[1600]);
                if (!actor.equals("1091")) Wav.writePcm16(audio.resolve(actor + "_TIE_" + emo + "_XX.wav"), 16000, new float[1600]);
            }
        return audio;
    }

    @Test
    void countsOnAFakeTree() throws IOException {
        var audio = fakeTree();
        var ds = CremaD.scan(dir);
        assertEquals(3 * 6 * 4 + 2 * 6, ds.clips().size());
        var byClass = new LinkedHashMap<String, Integer>();
        for (var c : CremaD.CLASSES) byClass.put(c, 14);
        assertEquals(byClass, ds.countsByClass());
        assertEquals(Map.of("1001", 30, "1002", 30, "1091", 24), ds.countsBySubject());
        var first = ds.clips().get(0);
        assertEquals("1001_DFA_ANG_XX", first.id());
        assertEquals("angry", first.emotion());
        assertEquals(0, first.label());
        assertEquals("XX", first.intensity());
        assertEquals(0.1, first.seconds(), 1e-12);
        assertEquals(ds.clips(), CremaD.scan(audio).clips(), "the AudioWAV folder itself works as the root");
        var s = ds.summary();
        assertTrue(s.startsWith("CREMA-D: 84 clips, 6 classes, 3 subjects, 0 bad file(s) skipped; 0.10-0.10 s"), s);
        assertTrue(s.lines().anyMatch(l -> List.of(l.trim().split(" +")).equals(List.of("1091", "4", "4", "4", "4", "4", "4", "24"))), s);
    }

    @Test
    void badFiles() throws IOException {
        var audio = fakeTree();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("1001_XYZ_ANG_XX.wav", "unknown sentence code XYZ");
        bad.put("1001_IEO_SUR_HI.wav", "unknown emotion code SUR");
        bad.put("1001_IEO_ANG_ZZ.wav", "unknown intensity level ZZ");
        bad.put("1001-IEO-ANG-HI.wav", "expected ActorID_Sentence_EMO_LEVEL.wav");
        for (var name : bad.keySet()) Wav.writePcm16(audio.resolve(name), 16000, new float[16]);
        Files.write(audio.resolve("1076_MTI_SAD_XX.wav"), new byte[0]); // an empty file
        bad.put("1076_MTI_SAD_XX.wav", "unreadable: ");
        Wav.writePcm16(audio.resolve("1076_MTI_NEU_XX.wav"), 16000, new float[0]);
        bad.put("1076_MTI_NEU_XX.wav", "no samples");

        var e = assertThrows(Corpus.BadFilesException.class, () -> CremaD.scan(dir));
        assertEquals(bad.size(), e.problems().size());
        for (var name : bad.keySet()) assertTrue(e.getMessage().contains(name), name + " not in " + e.getMessage());
        var ds = CremaD.scan(dir, true);
        assertEquals(84, ds.clips().size());
        for (var p : ds.problems()) {
            var name = p.path().getFileName().toString();
            assertTrue(p.reason().contains(bad.get(name)), name + ": " + p.reason());
        }
        assertTrue(ds.summary().contains(bad.size() + " bad file(s) skipped"));
    }
}
