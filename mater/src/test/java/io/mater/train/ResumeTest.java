package io.mater.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mater.data.Folds;
import io.mater.engine.io.SafeTensors;
import io.mater.model.MaterConfig;
import io.mater.model.Modality;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An interrupted-then-resumed run ends with weights bit-identical to an uninterrupted one. */
class ResumeTest {
    @TempDir
    Path tmp;

    @Test
    void resumedTrainingIsBitIdentical() throws Exception {
        var data = TestStores.small(4, 10, 4, 16, 3, 3);
        var cfg = new TrainConfig(new MaterConfig(16, 2, 2, 24, 3, true, true, Modality.AV, 0.2f), 5, 8, 3e-3, 1, 0.5, 0, 2, 7);
        var fold = Folds.subjectDisjoint(data.subjects(), 2).get(0);
        var quiet = new Progress(Progress.Mode.QUIET, new PrintStream(PrintStream.nullOutputStream()));

        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        FoldTrainer.run(data, fold, cfg, straight, quiet, false);

        FoldTrainer.interruptAfterEpochForTests = 2;
        try {
            assertThrows(FoldTrainer.Interrupted.class, () -> FoldTrainer.run(data, fold, cfg, resumed, quiet, false));
        } finally {
            FoldTrainer.interruptAfterEpochForTests = -1;
        }
        FoldTrainer.run(data, fold, cfg, resumed, quiet, true);

        var a = SafeTensors.read(straight.resolve("model.safetensors")).tensors();
        var b = SafeTensors.read(resumed.resolve("model.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k + " differs after resume");
        // the learning-rate schedule (patience 1, factor 0.5) and curves match too
        assertEquals(SafeTensors.read(straight.resolve("checkpoint.safetensors")).metadata().get("curve").replaceAll("\"seconds\":[0-9.eE-]+", ""),
                SafeTensors.read(resumed.resolve("checkpoint.safetensors")).metadata().get("curve").replaceAll("\"seconds\":[0-9.eE-]+", ""));
    }
}
