package io.mater.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.data.EmbeddingStore;
import io.mater.engine.Tensor;
import io.mater.engine.io.DType;
import io.mater.engine.io.Json;
import io.mater.engine.io.SafeTensors;
import io.mater.train.TestStores;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: a small end-to-end run, and every kind of bad input with its message and exit code. */
class CliTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        try (var o = new PrintStream(out, true, StandardCharsets.UTF_8); var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            int code = Main.run(args, o, e);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
        }
    }

    Path store() throws Exception {
        Path f = tmp.resolve("small.safetensors");
        if (!Files.exists(f)) EmbeddingStore.write(f, TestStores.small(4, 12, 4, 16, 3, 1));
        return f;
    }

    static final String[] SMALL = {"--d-model", "16", "--heads", "2", "--layers", "1", "--ff", "16", "--folds", "2", "--batch", "8", "--quiet"};

    /** The command (first of more) followed by the base options and the rest. */
    static String[] with(String[] base, String... more) {
        var l = new java.util.ArrayList<String>();
        l.add(more[0]);
        l.addAll(List.of(base));
        l.addAll(List.of(more).subList(1, more.length));
        return l.toArray(new String[0]);
    }

    @Test
    void trainEvaluatePredictInfoReport() throws Exception {
        Path out = tmp.resolve("run");
        var r = run(with(SMALL, "train", "--data", store().toString(), "--epochs", "3", "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| Dataset | MHSA | T | PE |"), r.out());
        for (String f : List.of("run.json", "results.json", "table.md", "fold-1/model.safetensors", "fold-2/result.json", "fold-1/curve.csv",
                "fold-1/confusion-av.csv", "fold-1/confusion.png", "fold-1/confusion.svg", "fold-1/curve-loss.png", "fold-2/curve-accuracy.svg"))
            assertTrue(Files.exists(out.resolve(f)), "missing " + f);
        var results = Json.asObject(Json.read(out.resolve("results.json")), "results");
        assertEquals(2L, results.get("folds_reported"));

        Path model = out.resolve("fold-1/model.safetensors");
        r = run("evaluate", "--model", model.toString(), "--data", store().toString(), "--out", tmp.resolve("eval.json").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("accuracy AV"), r.out());
        assertTrue(Files.exists(tmp.resolve("eval.json")));

        Path pred = tmp.resolve("pred.safetensors");
        r = run("predict", "--model", model.toString(), "--input", store().toString(), "--output", pred.toString());
        assertEquals(0, r.code(), r.err());
        var p = SafeTensors.read(pred);
        assertArrayEquals(new int[] {48, 3}, p.tensors().get("logits").shape());
        assertTrue(p.tensors().containsKey("audio_logits") && p.tensors().containsKey("video_logits"));
        assertTrue(p.metadata().get("predicted").startsWith("[\"class"), p.metadata().get("predicted"));
        r = run("predict", "--model", model.toString(), "--input", store().toString(), "--output", pred.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("exists; pass --force"), r.err());

        r = run("info", store().toString(), model.toString(), out.resolve("fold-1/checkpoint.safetensors").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("embedding store") && r.out().contains("MATER model") && r.out().contains("checkpoint after epoch 3"), r.out());

        // report merges the same folds into another folder
        r = run("report", out.toString(), "--out", tmp.resolve("merged").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(tmp.resolve("merged/table.md")));
    }

    @Test
    void separateFoldJobsMergeWithReport() throws Exception {
        Path a = tmp.resolve("job1"), b = tmp.resolve("job2");
        assertEquals(0, run(with(SMALL, "train", "--data", store().toString(), "--epochs", "1", "--fold", "1", "--out", a.toString())).code());
        assertEquals(0, run(with(SMALL, "train", "--data", store().toString(), "--epochs", "1", "--fold", "2", "--out", b.toString())).code());
        var r = run("report", a.toString(), b.toString(), "--out", tmp.resolve("all").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 folds merged"), r.out());
        // a run with another configuration is refused
        Path c = tmp.resolve("job3");
        assertEquals(0, run(with(SMALL, "train", "--data", store().toString(), "--epochs", "2", "--fold", "2", "--out", c.toString())).code());
        r = run("report", a.toString(), c.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("another dataset or configuration"), r.err());
    }

    @Test
    void badInputsGetClearMessages() throws Exception {
        Path good = store();
        assertBad(2, "unknown option --bogus", "train", "--bogus", "1");
        assertBad(2, "--epochs must be an integer", "train", "--epochs", "many");
        assertBad(1, "no such file", "train", "--data", tmp.resolve("missing.safetensors").toString());
        Path corrupt = tmp.resolve("corrupt.safetensors");
        Files.write(corrupt, new byte[] {1, 2, 3});
        assertBad(1, corrupt.toString(), "train", "--data", corrupt.toString());
        assertBad(1, "larger than the 4 windows", with(SMALL, "train", "--data", good.toString(), "--windows", "9"));
        assertBad(1, "fewer than the 5 folds", with(SMALL, "train", "--data", good.toString(), "--folds", "5"));
        assertBad(1, "--d-model 512 does not match the embeddings' size 16", "train", "--data", good.toString(), "--quiet");

        var d = TestStores.small(4, 3, 4, 16, 3, 2);
        // audio and video with different N
        var t = new LinkedHashMap<String, Tensor>();
        t.put("audio", d.audio());
        t.put("video", d.video().narrow(0, 0, 10).contiguous());
        t.put("labels", labels(d.labels()));
        t.put("subjects", labels(d.subjects()));
        Path badN = write("badN", t, d.clipIds());
        assertBad(1, "video has 10 clips but there are 12 labels", with(SMALL, "train", "--data", badN.toString()));
        // different T
        t.put("video", d.video().narrow(1, 0, 3).contiguous());
        Path badT = write("badT", t, d.clipIds());
        assertBad(1, "audio has 4 windows per clip but video has 3", with(SMALL, "train", "--data", badT.toString()));
        // NaN names the clip
        float[] a = d.audio().toArray();
        a[5 * 4 * 16 + 7] = Float.NaN;
        t.put("audio", Tensor.of(a, 12, 4, 16));
        t.put("video", d.video());
        Path nan = write("nan", t, d.clipIds());
        assertBad(1, "clip clip-5", with(SMALL, "train", "--data", nan.toString()));
        // labels outside the classes
        t.put("audio", d.audio());
        int[] lab = d.labels().clone();
        lab[3] = 7;
        t.put("labels", labels(lab));
        Path badLabel = write("badLabel", t, d.clipIds());
        assertBad(1, "clip-3 has label 7, outside the 3 classes", with(SMALL, "train", "--data", badLabel.toString()));
        // an existing output is not overwritten without --force
        Path out = tmp.resolve("exists");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "precious");
        assertBad(1, "already exists and is not empty", with(SMALL, "train", "--data", good.toString(), "--epochs", "1", "--out", out.toString()));
        assertEquals("precious", Files.readString(out.resolve("keep.txt")));
        assertBad(2, "unknown command", "fly");
        assertBad(1, "no such file", "evaluate", "--model", tmp.resolve("nope").toString(), "--data", good.toString());
    }

    private static Tensor labels(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = v[i];
        return Tensor.of(f, v.length);
    }

    private Path write(String name, Map<String, Tensor> tensors, List<String> ids) throws Exception {
        Path f = tmp.resolve(name + ".safetensors");
        var meta = Map.of("classes", "[\"class0\",\"class1\",\"class2\"]", "window_seconds", "0.5", "dataset", name, "clip_ids", Json.write(ids));
        SafeTensors.write(f, tensors, meta, Map.of("labels", DType.I64, "subjects", DType.I64));
        return f;
    }

    private static void assertBad(int code, String fragment, String... args) {
        var r = run(args);
        assertEquals(code, r.code(), "exit code for " + String.join(" ", args) + "\n" + r.err());
        assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in:\n" + r.err());
        assertFalse(r.err().contains("Exception\n\tat "), "no stack traces for user errors:\n" + r.err());
    }
}
