package io.mater.cli;

import io.mater.audio.AudioEmbedder;
import io.mater.audio.LogMel;
import io.mater.audio.TimeWindows;
import io.mater.audio.VGGishEmbedder;
import io.mater.audio.Wav;
import io.mater.data.Clip;
import io.mater.data.Corpus;
import io.mater.data.CremaD;
import io.mater.data.Dataset;
import io.mater.data.EmbeddingStore;
import io.mater.data.Ravdess;
import io.mater.data.VideoCorpus;
import io.mater.vision.AudioExtractor;
import io.mater.vision.CropEmbedder;
import io.mater.vision.FaceDetector;
import io.mater.vision.Ffmpeg;
import io.mater.vision.VGGMCropEmbedder;
import io.mater.vision.VideoFaces;
import io.mater.vision.VideoWindows;
import java.util.HashMap;
import java.util.Map;
import io.mater.engine.Parallel;
import io.mater.engine.Tensor;
import io.mater.train.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code embed}: scans a dataset, cuts every clip into T windows and writes their embeddings as the store that
 * {@code train --data} reads: audio, and with {@code --video-embedder} also the faces ({@link VideoWindows}),
 * stored as a {@code video} tensor and a {@code face_mask} beside {@code audio}.
 *
 * <p>Clips are embedded in parallel on {@link Parallel}'s threads, each into its own slot, so the output is
 * the same for any thread count; the store is written to a temp file and renamed.
 */
final class EmbedCommand implements Main.Command {
    static final Set<String> VALUED = Set.of("dataset", "root", "window", "windows", "audio-embedder", "out", "actors", "threads",
            "init-vggish", "seed", "vocal", "video-embedder", "detect-every", "init-vggm", "video-batch");
    static final Set<String> FLAGS = Set.of("skip-bad", "quiet");

    @Override
    public String summary() {
        return "embed a dataset's clips (RAVDESS, CREMA-D) into the store that 'train --data' reads";
    }

    @Override
    public String help() {
        return """
                usage: mater embed --dataset ravdess|cremad --root DIR --out FILE.safetensors [options]
                       mater embed --init-vggish FILE.safetensors [--seed N]

                Scans DIR (RAVDESS: Actor_XX/MM-VV-EE-II-SS-RR-AA.wav, speech unless --vocal song;
                CREMA-D: AudioWAV/ActorID_Sentence_EMO_LEVEL.wav), prints clips per class and subject, reads
                every WAV (any PCM/float format; channels averaged; resampled to 16 kHz), computes VGGish's
                log-mel, cuts T non-overlapping windows aligned to the clip start (shorter clips padded with
                silence, longer ones cut), embeds each window and writes audio [N, T, D], labels, subjects
                and metadata to FILE (atomically).

                  --window S             window length in seconds (default 0.5; 0.25 also as in the paper)
                  --windows T            windows per clip (default: 8 for ravdess, 6 for cremad at 0.5 s;
                                         twice that at 0.25 s)
                  --audio-embedder E     bandstats (weight-free per-band statistics, 512-d; the default) or
                                         vggish:PATH (VGGish conv weights from a safetensors file under
                                         PyTorch's names; the 512-d window embedding)
                  --actors LIST          only these subjects, e.g. 1-12 or 1,3,5-8 (numeric subject ids)
                  --vocal speech|song    RAVDESS vocal channel (default speech)
                  --skip-bad             list unreadable or misnamed files and go on without them
                                         (default: list them and stop)
                  --threads N            threads (default: all processors)
                  --quiet                no progress bar

                  --video-embedder E     also embed the faces: vggm:PATH (the face network written by
                                         'face train', or VGG-M weights in mater_ref.py's vggm layout
                                         under PyTorch's names). Scans the videos instead (RAVDESS
                                         Actor_XX/01-*.mp4, audio from the matching 03-*.wav beside
                                         it when present, else the MP4's; CREMA-D VideoFlash/*.flv or
                                         *.flv, audio from AudioWAV/<id>.wav when present, else the FLV's),
                                         detects, tracks and crops the face (grey, at the size the file's
                                         network takes: 48 for 'face train', 96 for the vggm layout), and writes video
                                         [N, T, 512] (the mean crop embedding of each window on the audio
                                         clock, l2-normalised; zeros in windows without a face) and
                                         face_mask [N, T] (1 where a window has a face)
                  --detect-every K       run the face detector on every K-th frame (default 2)
                  --video-batch B        crops per embedder call (default 64)
                  --init-vggm FILE       write randomly initialised (UNTRAINED) VGG-M conv weights with
                                         --seed N (default 0) and exit
                  --init-vggish FILE     write randomly initialised (UNTRAINED) VGGish conv weights with
                                         --seed N (default 0) and exit; no pretrained VGGish ships here
                """;
    }

    @Override
    public int run(String[] argv) throws Exception {
        var a = new Args("embed", argv, VALUED, FLAGS);
        if (!a.positional().isEmpty()) throw new Args.UsageException("unexpected argument '" + a.positional().get(0) + "'");
        if (a.has("threads")) {
            int t = a.integer("threads", 1);
            if (t < 1) throw new Args.UsageException("--threads must be >= 1, got " + t);
            Parallel.setThreads(t);
        }
        if (a.has("init-vggish")) {
            Path file = Path.of(a.string("init-vggish", ""));
            long seed = a.longValue("seed", 0);
            VGGishEmbedder.writeRandom(file, seed);
            System.out.println("wrote randomly initialised (untrained) VGGish conv weights, seed " + seed + ", to " + file);
            return 0;
        }
        if (a.has("init-vggm")) {
            Path file = Path.of(a.string("init-vggm", ""));
            long seed = a.longValue("seed", 0);
            VGGMCropEmbedder.writeRandom(file, seed);
            System.out.println("wrote randomly initialised (untrained) VGG-M conv weights, seed " + seed + ", to " + file);
            return 0;
        }
        String dataset = a.required("dataset").toLowerCase(Locale.ROOT);
        Path root = Path.of(a.required("root"));
        Path out = Path.of(a.required("out"));
        boolean skipBad = a.flag("skip-bad");
        double window = a.number("window", 0.5);
        int perHalfSecond = switch (dataset) {
            case "ravdess" -> 8;
            case "cremad", "crema-d" -> 6;
            default -> throw new Args.UsageException("--dataset must be ravdess or cremad, got '" + dataset + "'");
        };
        int count = a.integer("windows", (int) Math.round(perHalfSecond * 0.5 / window));
        TimeWindows windows;
        try {
            windows = TimeWindows.of(count, window);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--window " + window + " --windows " + count + ": " + e.getMessage());
        }
        var embedder = AudioEmbedder.parse(a.string("audio-embedder", "bandstats"));
        var progress = Progress.auto(a.flag("quiet"));
        CropEmbedder videoEmbedder = a.has("video-embedder") ? CropEmbedder.parse(a.string("video-embedder", "")) : null;
        int detectEvery = a.integer("detect-every", 2), videoBatch = a.integer("video-batch", 64);
        if (detectEvery < 1) throw new Args.UsageException("--detect-every must be >= 1, got " + detectEvery);
        if (videoBatch < 1) throw new Args.UsageException("--video-batch must be >= 1, got " + videoBatch);

        long t0 = System.nanoTime();
        var vocal = switch (a.string("vocal", "speech")) {
            case "speech" -> Ravdess.Vocal.SPEECH;
            case "song" -> Ravdess.Vocal.SONG;
            default -> throw new Args.UsageException("--vocal must be speech or song, got '" + a.string("vocal", "") + "'");
        };
        if (!dataset.equals("ravdess") && a.has("vocal")) throw new Args.UsageException("--vocal applies to ravdess only");
        Corpus corpus;
        Map<Path, Path> videoOf = new HashMap<>(); // audio source -> video
        if (videoEmbedder == null) {
            corpus = dataset.equals("ravdess") ? Ravdess.scan(root, vocal, skipBad) : CremaD.scan(root, skipBad);
        } else {
            var vc = dataset.equals("ravdess") ? VideoCorpus.scanRavdess(root, vocal, skipBad) : VideoCorpus.scanCremaD(root, skipBad);
            corpus = vc.corpus();
            for (int i = 0; i < vc.videos().size(); i++) videoOf.put(corpus.clips().get(i).path(), vc.videos().get(i));
        }
        if (a.has("actors")) corpus = onlySubjects(corpus, parseSubjects(a.string("actors", "")));
        if (corpus.clips().isEmpty()) throw new IllegalArgumentException(corpus.name() + " under " + root + ": no clips to embed");
        progress.message(corpus.summary().stripTrailing());
        progress.message(String.format(Locale.ROOT, "scanned in %.1f s; embedding %d clips as %d x %.2f s windows (%d x %d log-mel patches) with %s on %d thread(s)",
                (System.nanoTime() - t0) / 1e9, corpus.clips().size(), windows.count(), windows.seconds(), windows.patchFrames(), LogMel.BANDS,
                embedder.name(), Parallel.threads()));

        long t1 = System.nanoTime();
        var audio = embedAudio(corpus.clips(), windows, embedder, progress);
        VideoWindows.Batch video = null;
        if (videoEmbedder != null) {
            var clips = corpus.clips();
            var videos = clips.stream().map(c -> videoOf.get(c.path())).toList();
            var own = new boolean[clips.size()];
            for (int i = 0; i < own.length; i++) own[i] = videos.get(i).equals(clips.get(i).path());
            var opts = VideoFaces.Options.defaults().withDetectEvery(detectEvery);
            progress.message(String.format(Locale.ROOT, "embedding the faces of %d videos with %s (%d x %d crops, batches of %d, detector on every %d frame(s))",
                    videos.size(), videoEmbedder.name(), videoEmbedder.size(), videoEmbedder.size(), videoBatch, detectEvery));
            progress.start("faces", videos.size());
            video = VideoWindows.embedAll(Ffmpeg.system(), FaceDetector.frontalFace(), videos, own, opts, windows.count(), windows.seconds(),
                    videoEmbedder, videoBatch, (k, v) -> progress.update(k, v.getFileName().toString()));
            progress.finish(String.format(Locale.ROOT, "faces: %d frames (%d with a face) in %.1f s: %.1f frames/s on %d thread(s)",
                    video.frames(), video.faceFrames(), video.seconds(), video.framesPerSecond(), Parallel.threads()));
        }
        var bad = new ArrayList<Corpus.Problem>(corpus.problems());
        var keep = new ArrayList<Integer>();
        for (int i = 0; i < corpus.clips().size(); i++) {
            String err = audio.errors()[i] != null ? audio.errors()[i] : video != null ? video.errors()[i] : null;
            if (err == null) keep.add(i);
            else bad.add(new Corpus.Problem(corpus.clips().get(i).path(), "unreadable: " + err));
        }
        if (keep.size() < corpus.clips().size()) {
            var listed = new StringBuilder();
            for (var p : bad.subList(corpus.problems().size(), bad.size())) listed.append("\n  ").append(p);
            if (!skipBad)
                throw new IOException(corpus.clips().size() - keep.size() + " clip(s) could not be read (pass --skip-bad to go on without them):" + listed);
            progress.message("skipped " + (corpus.clips().size() - keep.size()) + " unreadable clip(s):" + listed);
        }
        progress.finish(String.format(Locale.ROOT, "embedded %d clips in %.1f s", keep.size(), (System.nanoTime() - t1) / 1e9));

        int n = keep.size(), t = windows.count(), d = embedder.dim();
        int dv = videoEmbedder == null ? 0 : videoEmbedder.dim();
        var data = new float[n * t * d];
        var vdata = new float[n * t * dv];
        var mask = new float[n * t];
        var ids = new ArrayList<String>();
        int[] labels = new int[n], subjects = new int[n];
        for (int j = 0; j < n; j++) {
            int i = keep.get(j);
            var clip = corpus.clips().get(i);
            System.arraycopy(audio.embeddings(), i * t * d, data, j * t * d, t * d);
            if (video != null) {
                System.arraycopy(video.embeddings(), i * t * dv, vdata, j * t * dv, t * dv);
                System.arraycopy(video.mask(), i * t, mask, j * t, t);
            }
            ids.add(clip.id());
            labels[j] = clip.label();
            subjects[j] = subjectNumber(clip);
        }
        var store = new Dataset(dataset, corpus.classes(), windows.seconds(), ids, Tensor.of(data, n, t, d),
                video == null ? null : Tensor.of(vdata, n, t, dv), labels, subjects, video == null ? null : Tensor.of(mask, n, t));
        var meta = new LinkedHashMap<String, String>();
        meta.put("audio_embedder", embedder.name());
        meta.put("audio_patch_frames", Integer.toString(windows.patchFrames()));
        if (videoEmbedder != null) {
            meta.put("video_embedder", videoEmbedder.name());
            meta.put("video_crop_size", Integer.toString(videoEmbedder.size()));
            meta.put("video_no_face", "zero vector, face_mask 0");
        }
        meta.put("source_root", root.toAbsolutePath().toString());
        if (!bad.isEmpty()) meta.put("skipped_files", Integer.toString(bad.size()));
        EmbeddingStore.write(out, store, meta);
        progress.message("wrote " + out + ": " + store);
        if (embedder instanceof VGGishEmbedder v && !v.trained())
            progress.message("note: the VGGish weights are marked untrained (random); these are not VGGish's embeddings");
        return 0;
    }

    /** Embeddings of every clip, [N, T, D] flat, and per clip the reason it failed (null when it did not). */
    record Embedded(float[] embeddings, String[] errors) {}

    /**
     * Reads, resamples, windows and embeds every clip in parallel; each clip writes its own slot, so the result
     * does not depend on the thread count. A clip that cannot be read leaves zeros and its error message.
     */
    static Embedded embedAudio(List<Clip> clips, TimeWindows windows, AudioEmbedder embedder, Progress progress) {
        int n = clips.size(), t = windows.count(), d = embedder.dim();
        var out = new float[n * t * d];
        var errors = new String[n];
        var done = new AtomicInteger();
        progress.start("embed", n);
        Parallel.range(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                var clip = clips.get(i);
                try {
                    boolean wav = clip.path().getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wav");
                    float[] samples = wav ? Wav.readMono(clip.path(), LogMel.SAMPLE_RATE) : AudioExtractor.read(clip.path(), LogMel.SAMPLE_RATE);
                    float[] e = embedder.embedAll(windows.patches(samples), t, windows.patchFrames(), LogMel.BANDS);
                    System.arraycopy(e, 0, out, i * t * d, t * d);
                } catch (IOException | RuntimeException ex) {
                    errors[i] = ex instanceof IOException ? ex.getMessage() : clip.path() + ": " + ex;
                }
                int k = done.incrementAndGet();
                synchronized (progress) {
                    progress.update(k, clip.id());
                }
            }
        });
        return new Embedded(out, errors);
    }

    /** Subject ids must be numbers (RAVDESS actors "01".."24", CREMA-D "1001".."1091"). */
    static int subjectNumber(Clip c) {
        try {
            return Integer.parseInt(c.subject());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(c.path() + ": subject '" + c.subject() + "' is not a number");
        }
    }

    /** "1-12" or "1,3,5-8" -> the set of numbers. */
    static Set<Integer> parseSubjects(String spec) {
        var set = new TreeSet<Integer>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-', 1);
                if (dash < 0) set.add(Integer.parseInt(p));
                else {
                    int lo = Integer.parseInt(p.substring(0, dash).trim()), hi = Integer.parseInt(p.substring(dash + 1).trim());
                    if (lo > hi) throw new NumberFormatException();
                    for (int v = lo; v <= hi; v++) set.add(v);
                }
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--actors must list numbers and ranges like 1-12 or 1,3,5-8; got '" + spec + "'");
            }
        }
        return set;
    }

    static Corpus onlySubjects(Corpus c, Set<Integer> wanted) {
        var kept = c.clips().stream().filter(clip -> wanted.contains(subjectNumber(clip))).toList();
        var missing = new TreeSet<>(wanted);
        kept.forEach(clip -> missing.remove(subjectNumber(clip)));
        if (!missing.isEmpty()) System.err.println("embed: warning: no clips for subject(s) " + missing);
        var problems = c.problems().stream().filter(p -> true).toList();
        return new Corpus(c.name(), c.classes(), kept, problems);
    }
}
