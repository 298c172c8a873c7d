package io.mater.audio;

import io.mater.SharedData;
import io.mater.data.Ravdess;
import io.mater.engine.Parallel;
import io.mater.engine.Simd;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: one timed pass of the audio front end over a RAVDESS tree (default: the shared 16 kHz one):
 * scan, then per clip read + downmix + resample to 16 kHz + log-mel of the whole clip, clips in parallel on
 * {@link Parallel}. Also times 8 x 0.5 s windows + the band-statistics embedder on the same clips. Run:
 * <pre>
 * java --add-modules jdk.incubator.vector -Dmater.threads=2 \
 *   -cp mater/target/classes:mater/target/test-classes:engine/target/classes:nn/target/classes \
 *   io.mater.audio.FrontEndTiming [DIR]
 * </pre>
 */
public final class FrontEndTiming {
    private FrontEndTiming() {}

    public static void main(String[] args) throws Exception {
        Path root = args.length > 0 ? Path.of(args[0]) : SharedData.path("ravdess-speech-16k");
        System.out.printf("threads %d, kernels %s%n", Parallel.threads(), Simd.describe());
        long t0 = System.nanoTime();
        var ds = Ravdess.scan(root);
        long t1 = System.nanoTime();
        var clips = ds.clips();
        var frames = new AtomicLong();
        var samples = new AtomicLong();
        Parallel.range(clips.size(), 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                try {
                    var x = Wav.readMono(clips.get(i).path(), LogMel.SAMPLE_RATE);
                    samples.addAndGet(x.length);
                    frames.addAndGet(LogMel.compute(x).length / LogMel.BANDS);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        long t2 = System.nanoTime();
        var tw = TimeWindows.of(8, 0.5);
        var embedder = new BandStatsEmbedder();
        Parallel.range(clips.size(), 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                try {
                    var p = tw.patches(Wav.readMono(clips.get(i).path(), LogMel.SAMPLE_RATE));
                    embedder.embedAll(p, tw.count(), tw.patchFrames(), LogMel.BANDS);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        long t3 = System.nanoTime();
        System.out.printf("scan (names + WAV headers) of %d clips: %.3f s%n", clips.size(), (t1 - t0) / 1e9);
        System.out.printf("read + resample to 16 kHz + log-mel, %d clips (%.1f s of audio, %d frames): %.3f s%n", clips.size(),
                samples.get() / 16000.0, frames.get(), (t2 - t1) / 1e9);
        System.out.printf("read + 8 x 0.5 s windows + %s, %d clips: %.3f s%n", embedder.name(), clips.size(), (t3 - t2) / 1e9);
    }
}
