package io.mater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.train.FoldTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --resume} of a run made with {@code --fold I} continues fold I alone, not every fold. */
class TrainResumeFoldTest {
    @TempDir
    Path tmp;

    private static final String[] SMALL = {"--synthetic", "ravdess", "--folds", "3", "--epochs", "1", "--layers", "1",
            "--ff", "16", "--batch", "64", "--quiet"};

    private static String[] args(String... extra) {
        var all = new java.util.ArrayList<>(java.util.List.of("train"));
        all.addAll(java.util.List.of(SMALL));
        all.addAll(java.util.List.of(extra));
        return all.toArray(String[]::new);
    }

    @Test
    void resumeContinuesTheRunsOwnFold() throws Exception {
        Path out = tmp.resolve("run");
        var r = CliTest.run(args("--fold", "2", "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        Path result = FoldTrainer.resultFile(out.resolve("fold-2"));
        assertTrue(Files.exists(result));
        Files.delete(result); // as if fold 2 had been interrupted before it finished

        r = CliTest.run("train", "--resume", out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(result), "fold 2 finished again");
        assertFalse(Files.exists(out.resolve("fold-1")), "resume trained fold 1, which the run never asked for");
        assertFalse(Files.exists(out.resolve("fold-3")), "resume trained fold 3, which the run never asked for");

        // --fold on --resume picks another fold of the same run
        r = CliTest.run("train", "--resume", out.toString(), "--fold", "3", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(FoldTrainer.resultFile(out.resolve("fold-3"))));
        assertFalse(Files.exists(out.resolve("fold-1")));
        // other settings still cannot change on resume
        r = CliTest.run("train", "--resume", out.toString(), "--epochs", "3", "--quiet");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--epochs cannot be changed"), r.err());
    }
}
