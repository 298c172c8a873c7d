package io.mater.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.SharedData;
import io.mater.audio.Wav;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audio-visual scanners on the real CREMA-D FLVs and RAVDESS MP4, and on misnamed or broken files. */
class VideoCorpusTest {
    @TempDir
    Path tmp;

    @Test
    void cremadFlvsWithTheirOwnAudio() throws Exception {
        var root = SharedData.path("video/cremad");
        var vc = VideoCorpus.scanCremaD(root, false);
        var c = vc.corpus();
        assertEquals(6, c.clips().size());
        assertEquals(List.of("1001_DFA_ANG_XX", "1001_DFA_DIS_XX", "1001_DFA_FEA_XX", "1001_DFA_HAP_XX", "1001_DFA_NEU_XX", "1001_DFA_SAD_XX"),
                c.clips().stream().map(Clip::id).toList());
        for (int i = 0; i < 6; i++) {
            var clip = c.clips().get(i);
            assertEquals(i, clip.label(), clip.id()); // sorted ANG, DIS, FEA, HAP, NEU, SAD = class order
            assertEquals("1001", clip.subject());
            assertTrue(vc.audioFromVideo(i));
            assertEquals(44100, clip.sampleRate());
            assertTrue(clip.seconds() > 1.5 && clip.seconds() < 3, clip.id() + " " + clip.seconds());
            assertEquals(root.resolve(clip.id() + ".flv"), vc.videos().get(i));
        }
    }

    @Test
    void cremadPrefersAudioWavBesideVideoFlash() throws Exception {
        var flash = Files.createDirectories(tmp.resolve("VideoFlash"));
        var wavs = Files.createDirectories(tmp.resolve("AudioWAV"));
        Files.copy(SharedData.path("video/cremad/1001_DFA_ANG_XX.flv"), flash.resolve("1001_DFA_ANG_XX.flv"));
        Files.copy(SharedData.path("video/cremad/1001_DFA_HAP_XX.flv"), flash.resolve("1001_DFA_HAP_XX.flv"));
        Wav.writePcm16(wavs.resolve("1001_DFA_ANG_XX.wav"), 16000, new float[16000]);
        var vc = VideoCorpus.scanCremaD(tmp, false);
        assertEquals(2, vc.corpus().clips().size());
        assertEquals(wavs.resolve("1001_DFA_ANG_XX.wav"), vc.corpus().clips().get(0).path());
        assertEquals(16000, vc.corpus().clips().get(0).frames());
        assertFalse(vc.audioFromVideo(0));
        assertTrue(vc.audioFromVideo(1)); // no WAV for HAP: the FLV's own audio
        assertEquals(flash.resolve("1001_DFA_HAP_XX.flv"), vc.videos().get(1));
    }

    @Test
    void badFilesAreListedOrSkipped() throws Exception {
        Files.copy(SharedData.path("video/cremad/1001_DFA_ANG_XX.flv"), tmp.resolve("1001_DFA_ANG_XX.flv"));
        Files.writeString(tmp.resolve("1001_DFA_SAD_XX.flv"), "not a video");
        Files.writeString(tmp.resolve("1001_DFA_XYZ_XX.flv"), "");
        var e = assertThrows(Corpus.BadFilesException.class, () -> VideoCorpus.scanCremaD(tmp, false));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("1001_DFA_XYZ_XX.flv: misnamed: unknown emotion code XYZ"), e.getMessage());
        assertTrue(e.getMessage().contains("1001_DFA_SAD_XX.flv: unreadable"), e.getMessage());
        var vc = VideoCorpus.scanCremaD(tmp, true);
        assertEquals(1, vc.corpus().clips().size());
        assertEquals(2, vc.corpus().problems().size());
        assertThrows(java.io.IOException.class, () -> VideoCorpus.scanCremaD(tmp.resolve("missing"), false));
    }

    @Test
    void ravdessAudioVisualMp4() throws Exception {
        var vc = VideoCorpus.scanRavdess(SharedData.path("video/ravdess"), Ravdess.Vocal.SPEECH, false);
        assertEquals(1, vc.corpus().clips().size());
        var clip = vc.corpus().clips().get(0);
        assertEquals("01-01-07-02-02-01-01", clip.id());
        assertEquals("disgust", clip.emotion());
        assertEquals(6, clip.label());
        assertEquals("strong", clip.intensity());
        assertEquals("01", clip.subject());
        assertTrue(vc.audioFromVideo(0));
        assertEquals(0, VideoCorpus.scanRavdess(SharedData.path("video/ravdess"), Ravdess.Vocal.SONG, false).corpus().clips().size());
    }

    @Test
    void ravdessPrefersTheMatchingAudioOnlyWav() throws Exception {
        var actor = Files.createDirectories(tmp.resolve("Actor_01"));
        Files.copy(SharedData.path("video/ravdess/01-01-07-02-02-01-01.mp4"), actor.resolve("01-01-07-02-02-01-01.mp4"));
        Wav.writePcm16(actor.resolve("03-01-07-02-02-01-01.wav"), 48000, new float[4800]);
        var vc = VideoCorpus.scanRavdess(tmp, Ravdess.Vocal.SPEECH, false);
        assertEquals(1, vc.corpus().clips().size());
        assertEquals(actor.resolve("03-01-07-02-02-01-01.wav"), vc.corpus().clips().get(0).path());
        assertEquals(48000, vc.corpus().clips().get(0).sampleRate());
        assertFalse(vc.audioFromVideo(0));
        assertEquals(actor.resolve("01-01-07-02-02-01-01.mp4"), vc.videos().get(0));
    }

    @Test
    void ravdessNamesAreChecked() throws Exception {
        var actor = Files.createDirectories(tmp.resolve("Actor_02"));
        Files.writeString(actor.resolve("02-01-07-02-02-01-02.mp4"), ""); // video-only: ignored
        Files.writeString(actor.resolve("03-01-07-02-02-01-02.mp4"), ""); // audio-only modality in an mp4
        Files.writeString(actor.resolve("01-01-07-02-02-01-05.mp4"), ""); // wrong actor folder
        Files.writeString(actor.resolve("clip.mp4"), "");
        var e = assertThrows(Corpus.BadFilesException.class, () -> VideoCorpus.scanRavdess(tmp, Ravdess.Vocal.SPEECH, false));
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("modality 03"), e.getMessage());
        assertTrue(e.getMessage().contains("actor 05 but sits in Actor_02"), e.getMessage());
        assertTrue(e.getMessage().contains("clip.mp4: misnamed"), e.getMessage());
    }
}
