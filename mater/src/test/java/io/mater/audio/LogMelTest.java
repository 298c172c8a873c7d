package io.mater.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.SharedData;
import io.mater.engine.Parallel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogMelTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/logmel");

    private static double maxAbsError(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double m = 0;
        for (int i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(expected[i] - actual[i]));
        return m;
    }

    private static void checkFixture(String name, float[] samples) throws IOException {
        var expected = F32Safetensors.read(FIXTURES.resolve(name).resolve("expected.safetensors"), "log_mel");
        assertEquals(64, expected.shape()[1]);
        assertEquals(LogMel.frames(samples.length), expected.shape()[0], name + ": frame count");
        double err = maxAbsError(expected.data(), LogMel.compute(samples));
        System.out.printf("log-mel vs reference, %s: %d frames, max abs error %.3e%n", name, expected.shape()[0], err);
        assertTrue(err <= 1e-3, name + ": max abs error " + err);
        // the comparison is sensitive: 10 % more gain is log(1.1) = 0.095 off in loud bands
        var louder = samples.clone();
        for (int i = 0; i < louder.length; i++) louder[i] *= 1.1f;
        assertTrue(maxAbsError(expected.data(), LogMel.compute(louder)) > 0.05, name + ": fixture does not constrain the result");
    }

    @Test
    void matchesReferenceOnSineFixtures() throws IOException {
        for (var name : new String[] {"sine-1.0s-seed0", "sine-0.7s-seed3"}) {
            var samples = F32Safetensors.read(FIXTURES.resolve(name).resolve("inputs.safetensors"), "samples").data();
            checkFixture(name, samples);
        }
    }

    @Test
    void matchesReferenceOnRealRavdessClip() throws IOException {
        var wav = Wav.read(SharedData.path("ravdess-speech-16k/Actor_12/03-01-05-02-01-01-12.wav"));
        assertEquals(58191, wav.frames());
        checkFixture("ravdess-actor12", wav.mono());
    }

    @Test
    void frameCounts() {
        assertEquals(0, LogMel.frames(0));
        assertEquals(0, LogMel.frames(399));
        assertEquals(1, LogMel.frames(400));
        assertEquals(1, LogMel.frames(559));
        assertEquals(2, LogMel.frames(560));
        assertEquals(98, LogMel.frames(16000));
        assertEquals(400, LogMel.samplesFor(1));
        assertEquals(560, LogMel.samplesFor(2));
        assertEquals(0, LogMel.compute(new float[399]).length);
        assertThrows(IllegalArgumentException.class, () -> LogMel.compute(new float[500], 2));
    }

    @Test
    void silenceIsExactlyLogOfOffset() {
        var lm = LogMel.compute(new float[4000]);
        assertEquals(LogMel.frames(4000) * 64, lm.length);
        for (float v : lm) assertEquals(LogMel.SILENCE, v);
        assertEquals((float) Math.log(0.01), LogMel.SILENCE);
    }

    /** A pure tone lights the mel band whose centre is nearest to it; DC alone (bin 0 zeroed) barely registers. */
    @Test
    void toneLandsInItsBand() {
        var x = new float[4000];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 1000 * i / 16000.0));
        var lm = LogMel.compute(x);
        double lowMel = LogMel.hzToMel(125), highMel = LogMel.hzToMel(7500), m = LogMel.hzToMel(1000);
        int expectBand = (int) Math.round((m - lowMel) / (highMel - lowMel) * 65) - 1;
        int argmax = 0;
        for (int b = 1; b < 64; b++) if (lm[5 * 64 + b] > lm[5 * 64 + argmax]) argmax = b;
        assertEquals(expectBand, argmax);
        var mel = LogMel.melMatrix();
        for (int b = 0; b < 64; b++) assertEquals(0.0, mel[0][b], "DC row is zeroed");
    }

    @Test
    void independentOfThreadCount() {
        var rng = new Random(5);
        var x = new float[16000 * 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian() * 0.1f;
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            var one = LogMel.compute(x);
            Parallel.setThreads(4);
            assertArrayEquals(one, LogMel.compute(x));
        } finally {
            Parallel.setThreads(before);
        }
    }
}
