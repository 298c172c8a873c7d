package io.mater.cli;

import io.mater.engine.io.Json;
import io.mater.train.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Set;

/** {@code report}: merges fold folders (from one run, or from separate jobs) into results.json and table.md. */
final class ReportCommand implements Main.Command {
    @Override
    public String summary() {
        return "merge fold results of one or more run folders into results.json and table.md";
    }

    @Override
    public String help() {
        return """
                usage: mater report RUN_DIR [RUN_DIR ...] [--out DIR]

                Collects fold-K/result.json from the run folders (for example the output folders of separate
                'mater train --fold K' jobs), checks that they share one dataset and configuration, and writes
                results.json (per fold and mean ± std) and table.md (the paper's Table 1 columns) into --out
                (default: the first run folder). Prints the table.
                """;
    }

    @Override
    public int run(String[] argv) throws Exception {
        var a = new Args("report", argv, Set.of("out"), Set.of());
        if (a.positional().isEmpty()) throw new Args.UsageException("give at least one run folder");
        var dirs = new ArrayList<Path>();
        for (String s : a.positional()) dirs.add(Path.of(s));
        Path runFile = dirs.get(0).resolve("run.json");
        if (!Files.exists(runFile)) throw new java.io.FileNotFoundException(runFile + ": not a run folder (no run.json)");
        var run = Json.asObject(Json.read(runFile), runFile.toString());
        var folds = Report.collect(dirs, run);
        Path out = a.has("out") ? Path.of(a.string("out", "")) : dirs.get(0);
        System.out.println(Report.write(out, run, folds));
        System.out.println(folds.size() + " folds merged into " + out.resolve("results.json"));
        return 0;
    }
}
