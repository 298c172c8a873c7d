package io.mater.data;

import io.mater.audio.Wav;
import io.mater.vision.VideoException;
import io.mater.vision.VideoInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Audio-visual datasets: every clip's video and where its audio comes from.
 *
 * <ul>
 *   <li>RAVDESS: {@code Actor_XX/01-VV-EE-II-SS-RR-AA.mp4} (modality 01, audio-video); the audio is the
 *       matching audio-only recording {@code 03-VV-EE-II-SS-RR-AA.wav} when it sits beside the MP4, else the
 *       MP4's own track. Video-only files (modality 02) are ignored; the fields are checked as for the WAVs.</li>
 *   <li>CREMA-D: {@code VideoFlash/ActorID_Sentence_EMO_LEVEL.flv} (or the FLVs directly under the root); the
 *       audio is {@code AudioWAV/<id>.wav} when that file exists, else the FLV's own track.</li>
 * </ul>
 *
 * <p>In the returned {@link Corpus} each clip's {@code path} is its audio source (a .wav, or the video file
 * itself), with sample rate and length from the WAV header or from ffprobe; {@link #videos()} holds the
 * videos in clip order.
 */
public record VideoCorpus(Corpus corpus, List<Path> videos) {
    private static final Pattern RAVDESS_MP4 = Pattern.compile("(\\d\\d)-(\\d\\d-\\d\\d-\\d\\d-\\d\\d-\\d\\d-\\d\\d)\\.[mM][pP]4");
    private static final Pattern CREMAD_FLV = Pattern.compile("(.*)\\.[fF][lL][vV]");

    public VideoCorpus {
        videos = List.copyOf(videos);
        if (videos.size() != corpus.clips().size())
            throw new IllegalArgumentException(corpus.clips().size() + " clips but " + videos.size() + " videos");
    }

    /** Whether clip i's audio is the video's own track (rather than a separate WAV). */
    public boolean audioFromVideo(int i) {
        return corpus.clips().get(i).path().equals(videos.get(i));
    }

    public static VideoCorpus scanRavdess(Path root, Ravdess.Vocal vocal, boolean skipBad) throws IOException {
        String name = "RAVDESS audio-visual " + vocal.name().toLowerCase(Locale.ROOT);
        return run(name, root, root, ".mp4", Ravdess.CLASSES, video -> {
            String file = video.getFileName().toString();
            var m = RAVDESS_MP4.matcher(file);
            if (!m.matches()) return new Scan.Reject("expected 01-VV-EE-II-SS-RR-AA.mp4 (seven two-digit fields), got " + file);
            if (m.group(1).equals("02")) return new Scan.Ignore(); // video-only: no audio
            if (!m.group(1).equals("01")) return new Scan.Reject("modality " + m.group(1) + " (01 audio-video expected for a .mp4)");
            return Ravdess.parse(video.resolveSibling("01-" + m.group(2) + ".wav"), vocal);
        }, video -> {
            String file = video.getFileName().toString();
            var wav = video.resolveSibling("03-" + file.substring(3, file.length() - 4) + ".wav");
            return Files.isRegularFile(wav) ? wav : video;
        }, skipBad);
    }

    public static VideoCorpus scanCremaD(Path root, boolean skipBad) throws IOException {
        var flash = root.resolve("VideoFlash");
        var wavs = root.resolve("AudioWAV");
        return run("CREMA-D audio-visual", root, Files.isDirectory(flash) ? flash : root, ".flv", CremaD.CLASSES, video -> {
            var m = CREMAD_FLV.matcher(video.getFileName().toString());
            if (!m.matches()) return new Scan.Reject("expected ActorID_Sentence_EMO_LEVEL.flv, got " + video.getFileName());
            return CremaD.parse(video.resolveSibling(m.group(1) + ".wav"));
        }, video -> {
            String id = video.getFileName().toString();
            var wav = wavs.resolve(id.substring(0, id.length() - 4) + ".wav");
            return Files.isRegularFile(wav) ? wav : video;
        }, skipBad);
    }

    private static VideoCorpus run(String name, Path root, Path dir, String ext, List<String> classes, Function<Path, Scan.Name> parse,
                                   Function<Path, Path> audioOf, boolean skipBad) throws IOException {
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, name + ": not a directory");
        List<Path> files;
        try (var walk = Files.walk(dir)) {
            files = walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(ext)).sorted().toList();
        }
        if (files.isEmpty()) throw new IOException(name + ": no " + ext + " files under " + dir);
        var clips = new ArrayList<Clip>();
        var videos = new ArrayList<Path>();
        var problems = new ArrayList<Corpus.Problem>();
        var seen = new HashMap<String, Path>();
        for (var f : files) {
            String file = f.getFileName().toString(), id = file.substring(0, file.length() - ext.length());
            switch (parse.apply(f)) {
                case Scan.Ignore ignored -> { }
                case Scan.Reject r -> problems.add(new Corpus.Problem(f, "misnamed: " + r.reason()));
                case Scan.Accept a -> {
                    var before = seen.putIfAbsent(id, f);
                    if (before != null) {
                        problems.add(new Corpus.Problem(f, "duplicate clip id " + id + " (also " + before + ")"));
                        continue;
                    }
                    Path audio = audioOf.apply(f);
                    try {
                        int rate;
                        long frames;
                        if (audio.equals(f)) {
                            var info = VideoInfo.probe(f);
                            if (info.video().isEmpty()) throw new IOException("no video stream");
                            var s = info.audio().orElseThrow(() -> new IOException("no audio stream"));
                            double seconds = Double.isFinite(s.duration()) ? s.duration() : info.duration();
                            rate = s.sampleRate();
                            frames = Math.round(seconds * rate);
                        } else {
                            var info = Wav.info(audio);
                            rate = info.format().sampleRate();
                            frames = info.frames();
                        }
                        if (frames <= 0) throw new IOException("no audio samples");
                        clips.add(new Clip(audio, id, a.subject(), a.label(), classes.get(a.label()), a.intensity(), rate, frames));
                        videos.add(f);
                    } catch (IOException | VideoException e) {
                        problems.add(new Corpus.Problem(f, "unreadable: " + e.getMessage()));
                    }
                }
            }
        }
        if (!problems.isEmpty() && !skipBad) throw new Corpus.BadFilesException(name, root, problems);
        return new VideoCorpus(new Corpus(name, classes, clips, problems), videos);
    }
}
