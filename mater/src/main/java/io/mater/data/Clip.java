package io.mater.data;

import java.nio.file.Path;

/**
 * One labelled audio clip of a dataset.
 *
 * @param path       the WAV file
 * @param id         the file name without extension, unique within its dataset (e.g. "03-01-05-02-01-01-12")
 * @param subject    the speaker, as the dataset names it (RAVDESS "12", CREMA-D "1001")
 * @param label      class index into {@link Corpus#classes()}
 * @param emotion    the class name, e.g. "angry"
 * @param intensity  the dataset's intensity tag (RAVDESS "normal"/"strong"; CREMA-D "LO", "MD", "HI", "XX")
 * @param sampleRate from the WAV header
 * @param frames     samples per channel, from the WAV header
 */
public record Clip(Path path, String id, String subject, int label, String emotion, String intensity, int sampleRate,
                   long frames) {
    public double seconds() {
        return (double) frames / sampleRate;
    }
}
