package io.mater.model;

import java.util.Locale;

/** Which streams a MATER model uses: both (logits averaged, Eq. 5), or one alone. */
public enum Modality {
    AV, AUDIO, VIDEO;

    public boolean hasAudio() {
        return this != VIDEO;
    }

    public boolean hasVideo() {
        return this != AUDIO;
    }

    /** The name used on the command line and in model metadata: av, audio, video. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Modality parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "av", "audio-visual", "audiovisual" -> AV;
            case "audio", "a" -> AUDIO;
            case "video", "v" -> VIDEO;
            default -> throw new IllegalArgumentException("modality must be av, audio or video, got '" + s + "'");
        };
    }
}
