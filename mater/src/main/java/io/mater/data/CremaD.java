package io.mater.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Scans CREMA-D's audio: {@code AudioWAV/ActorID_Sentence_EMO_LEVEL.wav}, e.g. {@code 1001_DFA_ANG_XX.wav},
 * with a four-digit actor (1001..1091 in the dataset; any four digits accepted), one of the 12 sentence codes,
 * one of six emotions (see {@link #CODES}) and an intensity level LO, MD, HI or XX (unspecified). The root
 * may be the dataset folder (then its {@code AudioWAV} subfolder is scanned) or the folder of WAVs itself.
 * Label = index of the emotion code in {@link #CODES}, subject = actor.
 */
public final class CremaD {
    /** Emotion codes in label order. */
    public static final List<String> CODES = List.of("ANG", "DIS", "FEA", "HAP", "NEU", "SAD");
    /** Class names in label order. */
    public static final List<String> CLASSES = List.of("angry", "disgust", "fearful", "happy", "neutral", "sad");
    /** The 12 sentences. */
    public static final Set<String> SENTENCES =
            Set.of("IEO", "TIE", "IOM", "IWW", "TAI", "MTI", "IWL", "ITH", "DFA", "ITS", "TSI", "WSI");
    /** Intensity levels. */
    public static final Set<String> LEVELS = Set.of("LO", "MD", "HI", "XX");

    private static final Pattern NAME = Pattern.compile("(\\d{4})_([A-Z]{3})_([A-Z]{3})_([A-Z]{2})\\.[wW][aA][vV]");

    private CremaD() {}

    /** All clips; fails on any bad file. */
    public static Corpus scan(Path root) throws IOException {
        return scan(root, false);
    }

    /** All clips; bad files are skipped and listed when skipBad, else they fail the scan. */
    public static Corpus scan(Path root, boolean skipBad) throws IOException {
        var audio = root.resolve("AudioWAV");
        return Scan.run("CREMA-D", Files.isDirectory(audio) ? audio : root, CLASSES, CremaD::parse, skipBad);
    }

    static Scan.Name parse(Path path) {
        String file = path.getFileName().toString();
        var m = NAME.matcher(file);
        if (!m.matches()) return new Scan.Reject("expected ActorID_Sentence_EMO_LEVEL.wav (e.g. 1001_DFA_ANG_XX.wav), got " + file);
        if (!SENTENCES.contains(m.group(2))) return new Scan.Reject("unknown sentence code " + m.group(2));
        int label = CODES.indexOf(m.group(3));
        if (label < 0) return new Scan.Reject("unknown emotion code " + m.group(3) + " (expected one of " + CODES + ")");
        if (!LEVELS.contains(m.group(4))) return new Scan.Reject("unknown intensity level " + m.group(4) + " (expected LO, MD, HI or XX)");
        return new Scan.Accept(m.group(1), label, m.group(4));
    }
}
