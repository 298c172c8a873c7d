package io.mater.cli;

import static io.mater.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentCliTest {
    @TempDir
    Path tmp;


    @Test
    void helpAndBadNames() {
        for (String k : ExperimentCommand.KINDS) {
            var r = run("experiment", k, "--help");
            assertEquals(0, r.code());
            assertTrue(r.out().contains("--emit slurm DIR") && r.out().contains(k));
        }
        var bad = run("experiment", "table2");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown experiment 'table2'"));
        assertEquals(2, run("experiment", "noise", "--emit", "slurm").code(), "--emit slurm needs a folder");
        assertEquals(2, run("experiment", "noise", "--noise", "pink", "--folds", "2").code());
        var noRun = run("experiment", "noise", "--folds", "2", "--run", tmp.resolve("nothing").toString(), "--out", tmp.resolve("o").toString());
        assertEquals(1, noRun.code());
        assertTrue(noRun.err().contains("no run.json"), noRun.err());
        assertTrue(run("--help").out().contains("experiment"));
    }

    @Test
    void emitsOneArrayTaskPerRowAndFold() throws Exception {
        Path dir = tmp.resolve("slurm");
        var r = run("experiment", "layer-entropy", "--folds", "2", "--epochs", "1", "--emit", "slurm", dir.toString());
        assertEquals(0, r.code(), r.err());
        var lines = Files.readAllLines(dir.resolve("jobs.txt"));
        assertEquals(4, lines.size(), "attention and baseline x 2 folds");
        assertTrue(lines.get(0).contains(" train ") && lines.get(0).contains("--fold 1") && lines.get(0).contains("mhsa-T8-pe/job-1"));
        assertTrue(lines.get(3).contains("--no-pe --no-mhsa") && lines.get(3).contains("--fold 2"));
        assertTrue(Files.readString(dir.resolve("array.sbatch")).contains("--array=0-3"));
        assertTrue(Files.exists(dir.resolve("experiment.json")), "'experiment report' knows what to rerun");
        var noisy = run("experiment", "noise-retrain", "--folds", "2", "--emit", "slurm", tmp.resolve("s2").toString());
        assertEquals(0, noisy.code(), noisy.err());
        var nl = Files.readAllLines(tmp.resolve("s2/jobs.txt"));
        assertEquals(12, nl.size());
        assertTrue(nl.get(0).contains("experiment train-job --row noisy-audio-mhsa-T8-pe --fold 1"), nl.get(0));
    }
}
