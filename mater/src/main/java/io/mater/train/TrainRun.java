package io.mater.train;

import io.mater.data.Dataset;
import io.mater.data.Folds;
import io.mater.engine.Parallel;
import io.mater.engine.Simd;
import io.mater.engine.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A cross-validated training run into one folder: run.json (configuration and data), fold-K/ per fold, then
 * results.json and table.md over the folds done. {@code onlyFold} runs a single fold (for separate jobs);
 * with resume, finished folds are kept and an interrupted one continues from its checkpoint.
 */
public final class TrainRun {
    private TrainRun() {}

    public record Outcome(String table, List<Map<String, Object>> folds, Path out) {}

    public static Map<String, Object> describe(Dataset d, TrainConfig cfg) {
        var ds = new LinkedHashMap<String, Object>();
        ds.put("name", d.name());
        ds.put("clips", d.size());
        ds.put("subjects", d.distinctSubjects().length);
        ds.put("classes", d.classes());
        ds.put("windows", d.windows());
        ds.put("window_seconds", d.windowSeconds());
        ds.put("audio_dim", d.hasAudio() ? d.audio().size(2) : null);
        ds.put("video_dim", d.hasVideo() ? d.video().size(2) : null);
        var run = new LinkedHashMap<String, Object>();
        run.put("dataset", ds);
        run.put("config", cfg.toJson());
        return run;
    }

    /** Checks that the data can train this configuration (modalities present, dimensions, folds). */
    public static void check(Dataset d, TrainConfig cfg) {
        var m = cfg.model();
        if (m.modality().hasAudio() && !d.hasAudio())
            throw new IllegalArgumentException("modality " + m.modality().key() + " needs audio embeddings, but dataset '" + d.name() + "' has none");
        if (m.modality().hasVideo() && !d.hasVideo())
            throw new IllegalArgumentException("modality " + m.modality().key() + " needs video embeddings, but dataset '" + d.name() + "' has none");
        for (var t : new io.mater.engine.Tensor[] {m.modality().hasAudio() ? d.audio() : null, m.modality().hasVideo() ? d.video() : null})
            if (t != null && t.size(2) != m.d())
                throw new IllegalArgumentException("--d-model " + m.d() + " does not match the embeddings' size " + t.size(2)
                        + " (MATER feeds the window embeddings straight into the encoder; use --d-model " + t.size(2) + ")");
        int subjects = d.distinctSubjects().length;
        if (subjects < cfg.folds())
            throw new IllegalArgumentException("dataset '" + d.name() + "' has " + subjects + " subjects, fewer than the " + cfg.folds() + " folds asked for");
    }

    public static Outcome run(Dataset data, TrainConfig cfg, Path out, Integer onlyFold, boolean resume, Progress progress) throws IOException {
        check(data, cfg);
        var folds = Folds.subjectDisjoint(data.subjects(), cfg.folds());
        if (onlyFold != null && (onlyFold < 1 || onlyFold > folds.size()))
            throw new IllegalArgumentException("--fold must be in 1.." + folds.size() + ", got " + onlyFold);
        var run = describe(data, cfg);
        Files.createDirectories(out);
        Path runFile = out.resolve("run.json");
        if (Files.exists(runFile)) {
            var existing = Json.asObject(Json.read(runFile), runFile.toString());
            if (!Report.sameSetup(run, existing))
                throw new IllegalArgumentException(runFile + " belongs to a run with another dataset or configuration; use another --out (or --force to replace it)");
        } else {
            Json.write(runFile, run);
        }
        progress.message(String.format(Locale.ROOT, "MATER %s on %s: %d clips, %d subjects, T = %d; %d folds; kernels %s, %d threads",
                cfg.model().modality().key(), data.name(), data.size(), data.distinctSubjects().length, data.windows(), folds.size(),
                Simd.describe(), Parallel.threads()));
        var results = new ArrayList<Map<String, Object>>();
        for (var fold : folds) {
            if (onlyFold != null && fold.index() != onlyFold - 1) continue;
            Path dir = out.resolve("fold-" + (fold.index() + 1));
            Path result = FoldTrainer.resultFile(dir);
            if (resume && Files.exists(result)) {
                progress.message(String.format(Locale.ROOT, "fold %d/%d: already finished", fold.index() + 1, folds.size()));
                results.add(Json.asObject(Json.read(result), result.toString()));
                continue;
            }
            results.add(FoldTrainer.run(data, fold, cfg, dir, progress, resume));
        }
        // report over every finished fold in the folder (others may come from separate jobs)
        var all = Report.collect(List.of(out), run);
        String table = Report.write(out, run, all);
        return new Outcome(table, all, out);
    }

    /** True when dir exists and has entries. */
    public static boolean nonEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }
}
