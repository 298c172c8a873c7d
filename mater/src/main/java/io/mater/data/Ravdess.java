package io.mater.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Scans a RAVDESS audio tree: {@code Actor_XX/MM-VV-EE-II-SS-RR-AA.wav} (any depth below the root), with
 * modality MM (01 audio-video or 03 audio-only; 02 is video-only and rejected), vocal channel VV (01 speech,
 * 02 song), emotion EE (01..08, see {@link #CLASSES}; song has no 07/08), intensity II (01 normal,
 * 02 strong; neutral has no strong), statement SS and repetition RR (01, 02) and actor AA (01..99; it must
 * match an enclosing {@code Actor_XX} folder when there is one). Label = emotion - 1, subject = actor.
 * Works for any set of actors. Clips of the other vocal channel are left out quietly.
 */
public final class Ravdess {
    /** The eight emotions, in the dataset's code order (label i is code i + 1). */
    public static final List<String> CLASSES =
            List.of("neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised");

    /** Vocal channel. */
    public enum Vocal { SPEECH, SONG }

    private static final Pattern NAME = Pattern.compile("(\\d\\d)-(\\d\\d)-(\\d\\d)-(\\d\\d)-(\\d\\d)-(\\d\\d)-(\\d\\d)\\.[wW][aA][vV]");
    private static final Pattern ACTOR_DIR = Pattern.compile("Actor_(\\d+)");

    private Ravdess() {}

    /** Speech clips; fails on any bad file. */
    public static Corpus scan(Path root) throws IOException {
        return scan(root, Vocal.SPEECH, false);
    }

    /** Clips of one vocal channel; bad files are skipped and listed when skipBad, else they fail the scan. */
    public static Corpus scan(Path root, Vocal vocal, boolean skipBad) throws IOException {
        String name = "RAVDESS " + vocal.name().toLowerCase(java.util.Locale.ROOT);
        return Scan.run(name, root, CLASSES, p -> parse(p, vocal), skipBad);
    }

    static Scan.Name parse(Path path, Vocal wanted) {
        String file = path.getFileName().toString();
        var m = NAME.matcher(file);
        if (!m.matches()) return new Scan.Reject("expected MM-VV-EE-II-SS-RR-AA.wav (seven two-digit fields), got " + file);
        int modality = field(m.group(1)), vocal = field(m.group(2)), emotion = field(m.group(3)), intensity = field(m.group(4));
        int statement = field(m.group(5)), repetition = field(m.group(6)), actor = field(m.group(7));
        if (modality != 1 && modality != 3)
            return new Scan.Reject("modality " + m.group(1) + " (01 audio-video or 03 audio-only expected for a .wav)");
        if (vocal != 1 && vocal != 2) return new Scan.Reject("vocal channel " + m.group(2) + " (01 speech or 02 song expected)");
        if (emotion < 1 || emotion > 8) return new Scan.Reject("emotion " + m.group(3) + " (01-08 expected)");
        if (vocal == 2 && emotion > 6) return new Scan.Reject("emotion " + m.group(3) + " does not exist in song (01-06)");
        if (intensity != 1 && intensity != 2) return new Scan.Reject("intensity " + m.group(4) + " (01 or 02 expected)");
        if (emotion == 1 && intensity == 2) return new Scan.Reject("neutral (01) has no strong intensity (02)");
        if (statement != 1 && statement != 2) return new Scan.Reject("statement " + m.group(5) + " (01 or 02 expected)");
        if (repetition != 1 && repetition != 2) return new Scan.Reject("repetition " + m.group(6) + " (01 or 02 expected)");
        if (actor < 1) return new Scan.Reject("actor 00 (01 or above expected)");
        var parent = path.getParent() == null ? null : path.getParent().getFileName();
        if (parent != null) {
            var d = ACTOR_DIR.matcher(parent.toString());
            if (d.matches() && Integer.parseInt(d.group(1)) != actor)
                return new Scan.Reject("file says actor " + m.group(7) + " but sits in " + parent);
        }
        if ((vocal == 1 ? Vocal.SPEECH : Vocal.SONG) != wanted) return new Scan.Ignore();
        return new Scan.Accept(m.group(7), emotion - 1, intensity == 1 ? "normal" : "strong");
    }

    private static int field(String twoDigits) {
        return Integer.parseInt(twoDigits);
    }
}
