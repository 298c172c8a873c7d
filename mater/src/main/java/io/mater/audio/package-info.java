/**
 * The audio pipeline on plain float arrays, from file to embedding:
 * {@link io.mater.audio.Wav} (read/write RIFF/WAVE; mean downmix) -> {@link io.mater.audio.Resampler} (any rate to
 * 16 kHz, band-limited, sox-compatible) -> {@link io.mater.audio.LogMel} (VGGish's log-mel front end, own FFT in
 * {@link io.mater.audio.Fft}) -> {@link io.mater.audio.TimeWindows} (T patches of 24 or 48 x 64 aligned to the clip
 * start) -> an {@link io.mater.audio.AudioEmbedder} ({@link io.mater.audio.BandStatsEmbedder} needs no weights;
 * VGGish is another implementation) -> l2-normalised D-dimensional vectors.
 *
 * <pre>
 * float[] x = Wav.readMono(path, LogMel.SAMPLE_RATE);               // [N] mono 16 kHz
 * var windows = TimeWindows.of(8, 0.5);                               // RAVDESS: 8 x 0.5 s
 * float[] patches = windows.patches(x);                               // [8, 48, 64]
 * float[] emb = new BandStatsEmbedder().embedAll(patches, 8, 48, 64); // [8, 512]
 * </pre>
 */
package io.mater.audio;
