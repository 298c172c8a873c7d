package io.mater.experiment;

import io.mater.train.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Writes a Slurm job array for a study's pending (row, fold) jobs: jobs.txt holds one command line per
 * array task (clean rows: 'mater train ... --fold K --out ROW/job-K'; noisy rows: 'mater experiment
 * train-job ...'), and array.sbatch runs line SLURM_ARRAY_TASK_ID + 1. Afterwards 'mater experiment report
 * OUT' merges the job folders and writes the analyses.
 */
public final class Slurm {
    private Slurm() {}

    /** Writes DIR/jobs.txt and DIR/array.sbatch; returns the number of array tasks. */
    public static int emit(Path dir, List<String> commands, String name, int cpusPerTask, String memory, String time) throws IOException {
        Files.createDirectories(dir);
        Path abs = dir.toAbsolutePath();
        TextFiles.writeAtomically(dir.resolve("jobs.txt"), String.join("\n", commands) + (commands.isEmpty() ? "" : "\n"));
        String script = """
                #!/bin/bash
                # Slurm job array written by 'mater experiment %s --emit slurm': one (row, fold) training job per task.
                # Submit:  sbatch %s/array.sbatch     then merge:  mater experiment report OUT
                #SBATCH --job-name=mater-%s
                #SBATCH --array=0-%d
                #SBATCH --cpus-per-task=%d
                #SBATCH --mem=%s
                #SBATCH --time=%s
                #SBATCH --output=%s/logs/task-%%a.out
                set -euo pipefail
                export MATER_THREADS=${SLURM_CPUS_PER_TASK:-1}
                CMD=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" %s/jobs.txt)
                echo "task $SLURM_ARRAY_TASK_ID on $(hostname): $CMD"
                eval "$CMD"
                """.formatted(name, abs, name, Math.max(0, commands.size() - 1), cpusPerTask, memory, time, abs, abs);
        Files.createDirectories(dir.resolve("logs"));
        Path f = dir.resolve("array.sbatch");
        TextFiles.writeAtomically(f, script);
        try {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: sbatch reads the file anyway
        }
        return commands.size();
    }

    /** Quotes a word for bash when it holds anything but safe characters. */
    public static String quote(String s) {
        return s.matches("[A-Za-z0-9_./=:,+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
