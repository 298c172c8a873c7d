package io.mater.data;

import io.mater.audio.Wav;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The walk shared by the dataset scanners: find the .wav files, name-check them, read their headers. */
final class Scan {
    private Scan() {}

    /** What a file name says. */
    sealed interface Name permits Accept, Reject, Ignore {}

    /** A well-formed name of a wanted clip. */
    record Accept(String subject, int label, String intensity) implements Name {}

    /** A misnamed file. */
    record Reject(String reason) implements Name {}

    /** A well-formed name of a clip this scan does not want (e.g. song when scanning speech). */
    record Ignore() implements Name {}

    /** Every *.wav (any case) under root, recursively, in path order; non-WAV files are not looked at. */
    static Corpus run(String name, Path root, List<String> classes, Function<Path, Name> parse, boolean skipBad) throws IOException {
        if (!Files.isDirectory(root)) throw new NoSuchFileException(root.toString(), null, name + ": not a directory");
        List<Path> files;
        try (var walk = Files.walk(root)) {
            files = walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wav"))
                    .sorted().toList();
        }
        if (files.isEmpty()) throw new IOException(name + ": no .wav files under " + root);
        var clips = new ArrayList<Clip>();
        var problems = new ArrayList<Corpus.Problem>();
        var seen = new HashMap<String, Path>();
        for (var f : files) {
            String file = f.getFileName().toString(), id = file.substring(0, file.length() - 4);
            switch (parse.apply(f)) {
                case Ignore ignored -> { }
                case Reject r -> problems.add(new Corpus.Problem(f, "misnamed: " + r.reason()));
                case Accept a -> {
                    var before = seen.putIfAbsent(id, f);
                    if (before != null) {
                        problems.add(new Corpus.Problem(f, "duplicate clip id " + id + " (also " + before + ")"));
                        continue;
                    }
                    try {
                        var info = Wav.info(f);
                        if (info.frames() == 0) {
                            problems.add(new Corpus.Problem(f, "unreadable: no samples (empty data chunk)"));
                            continue;
                        }
                        clips.add(new Clip(f, id, a.subject(), a.label(), classes.get(a.label()), a.intensity(),
                                info.format().sampleRate(), info.frames()));
                    } catch (IOException e) {
                        problems.add(new Corpus.Problem(f, "unreadable: " + e.getMessage()));
                    }
                }
            }
        }
        if (!problems.isEmpty() && !skipBad) throw new Corpus.BadFilesException(name, root, problems);
        return new Corpus(name, classes, clips, problems);
    }
}
