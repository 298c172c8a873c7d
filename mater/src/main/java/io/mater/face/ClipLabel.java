package io.mater.face;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The emotion a clip's file name encodes, mapped to FER2013's classes where FER has it.
 * CREMA-D {@code 1001_DFA_ANG_XX.flv}: ANG angry, DIS disgust, FEA fear, HAP happy, NEU neutral, SAD sad.
 * RAVDESS {@code 01-01-EE-II-SS-RR-AA.mp4}, third field: 01 neutral, 02 calm, 03 happy, 04 sad, 05 angry,
 * 06 fearful, 07 disgust, 08 surprised; calm has no FER class (fer is then empty).
 *
 * @param dataset "CREMA-D" or "RAVDESS"
 * @param code    the code in the name (ANG, 07, ...)
 * @param emotion the dataset's own emotion name
 * @param fer     the FER2013 class ({@link FaceNet#FER_CLASSES}), empty when FER has none
 */
public record ClipLabel(String dataset, String code, String emotion, Optional<String> fer) {
    private static final Pattern CREMAD = Pattern.compile("\\d{4}_[A-Z]{3}_(ANG|DIS|FEA|HAP|NEU|SAD)_[A-Z]{2}\\.[A-Za-z0-9]+");
    private static final Pattern RAVDESS = Pattern.compile("\\d\\d-\\d\\d-(0[1-8])-\\d\\d-\\d\\d-\\d\\d-\\d\\d\\.[A-Za-z0-9]+");
    private static final List<String> RAVDESS_EMOTIONS = List.of("neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised");
    private static final List<String> RAVDESS_FER = List.of("neutral", "", "happy", "sad", "angry", "fear", "disgust", "surprise");

    /** The label of a file name, or empty when the name follows neither dataset's pattern. */
    public static Optional<ClipLabel> of(Path file) {
        String name = file.getFileName().toString();
        var m = CREMAD.matcher(name);
        if (m.matches()) {
            String code = m.group(1);
            String fer = switch (code) {
                case "ANG" -> "angry";
                case "DIS" -> "disgust";
                case "FEA" -> "fear";
                case "HAP" -> "happy";
                case "NEU" -> "neutral";
                case "SAD" -> "sad";
                default -> throw new IllegalStateException(code);
            };
            return Optional.of(new ClipLabel("CREMA-D", code, fer, Optional.of(fer)));
        }
        m = RAVDESS.matcher(name);
        if (m.matches()) {
            int e = Integer.parseInt(m.group(1)) - 1;
            String fer = RAVDESS_FER.get(e);
            return Optional.of(new ClipLabel("RAVDESS", m.group(1), RAVDESS_EMOTIONS.get(e), fer.isEmpty() ? Optional.empty() : Optional.of(fer)));
        }
        return Optional.empty();
    }
}
