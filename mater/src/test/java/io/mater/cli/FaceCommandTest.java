package io.mater.cli;

import static io.mater.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.SharedData;
import io.mater.engine.Tensor;
import io.mater.engine.io.SafeTensors;
import io.mater.face.FaceNet;
import io.mater.face.FaceTrainer;
import io.mater.face.Fer2013;
import io.mater.face.Views;
import io.mater.train.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The face network's training loop (checkpoints, exact resume) and the 'face' command, on a few real FER2013 faces. */
class FaceCommandTest {
    @TempDir
    static Path tmp;
    static Path data; // data/train (3 faces per class) and data/public-test (2 per class): links to real FER2013 images

    @BeforeAll
    static void split() throws IOException {
        Path fer = SharedData.path("fer2013");
        data = tmp.resolve("fer");
        link(fer.resolve("train"), data.resolve("train"), 3);
        link(fer.resolve("public-test"), data.resolve("public-test"), 2);
    }

    static void link(Path from, Path to, int perClass) throws IOException {
        for (String c : FaceNet.FER_CLASSES) {
            Files.createDirectories(to.resolve(c));
            try (Stream<Path> s = Files.list(from.resolve(c))) {
                for (Path p : s.sorted().limit(perClass).toList()) Files.createSymbolicLink(to.resolve(c).resolve(p.getFileName()), p);
            }
        }
    }


    static FaceTrainer.Config tiny() {
        // width scale 8, batch 7, 2 epochs, no warm-up
        return new FaceTrainer.Config(2, 7, 2e-3, 0.05, 0.5f, 3, 0, 0, 4, 0, 8);
    }

    @Test
    void trainingWritesModelCheckpointCurveAndResumesExactly() throws IOException {
        var quiet = new Progress(Progress.Mode.QUIET, System.out);
        Path a = tmp.resolve("a/face.safetensors"), b = tmp.resolve("b/face.safetensors");
        var full = FaceTrainer.train(data.resolve("train"), data.resolve("public-test"), tiny(), a, false, 0, quiet);
        assertEquals(2, full.size());
        assertTrue(Files.isRegularFile(a), "model written");
        assertTrue(Files.isRegularFile(FaceTrainer.checkpointPath(a)), "checkpoint written");
        List<String> csv = Files.readAllLines(FaceTrainer.curvePath(a));
        assertEquals(3, csv.size(), csv.toString());
        assertTrue(csv.get(0).startsWith("epoch,train_loss,train_acc,test_acc"), csv.get(0));
        var model = FaceNet.load(a);
        var meta = SafeTensors.read(a).metadata();
        double best = full.stream().mapToDouble(FaceTrainer.EpochResult::testAcc).max().orElseThrow();
        assertEquals(String.format(Locale.ROOT, "%.4f", best), meta.get("public_test_accuracy"));
        // the saved model really has the saved accuracy
        var test = Fer2013.load(data.resolve("public-test"), model.classes(), 0);
        assertEquals(best, FaceTrainer.evaluate(model, test, 5).accuracy(), 1e-9);

        // stop after one epoch, then resume: the same trajectory as the uninterrupted run. Not asserted bit for
        // bit: the first training in a fresh JVM differs from later ones in the last float bits (JIT-dependent
        // summation order somewhere in the engine's vector kernels), so this compares with a tight tolerance;
        // a resume that lost the optimiser, generator or schedule state moves the weights by far more.
        var first = FaceTrainer.train(data.resolve("train"), data.resolve("public-test"), tiny(), b, false, 1, quiet);
        assertEquals(1, first.size());
        var resumed = FaceTrainer.train(data.resolve("train"), data.resolve("public-test"), tiny(), b, true, 0, quiet);
        assertEquals(2, resumed.size());
        assertEquals(first.get(0), resumed.get(0), "epoch 1 comes from the checkpoint");
        assertEquals(full.get(1).trainLoss(), resumed.get(1).trainLoss(), 1e-6 * full.get(1).trainLoss());
        var ta = SafeTensors.read(FaceTrainer.checkpointPath(a)).tensors();
        var tb = SafeTensors.read(FaceTrainer.checkpointPath(b)).tensors();
        assertEquals(ta.keySet(), tb.keySet());
        for (String k : ta.keySet()) {
            float[] x = ta.get(k).data(), y = tb.get(k).data();
            for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 1e-4f * (1 + Math.abs(x[i])), k + "[" + i + "]");
        }
    }

    @Test
    void evaluateAndPredictFromTheCommandLine() throws IOException {
        Path m = tmp.resolve("cli/face.safetensors");
        Files.createDirectories(m.getParent());
        var net = new FaceNet(FaceNet.FER_CLASSES, 0.5f, 0.25f, 0.5f, 8, new io.mater.engine.Rng(2));
        net.save(m);

        Path outDir = tmp.resolve("cli/eval");
        var ev = run("face", "evaluate", "--model", m.toString(), "--data", data.toString(), "--out", outDir.toString());
        assertEquals(0, ev.code(), ev.err());
        var expected = FaceTrainer.evaluate(FaceNet.load(m), Fer2013.load(data.resolve("public-test"), FaceNet.FER_CLASSES, 0), 3, new Views(true, 3));
        assertTrue(ev.out().contains(String.format(Locale.ROOT, "14 images, 18 views (face and mirror, each at the 9 shifts of {-3, 0, 3} px), accuracy %.4f",
                expected.accuracy())), ev.out());
        var single = run("face", "evaluate", "--model", m.toString(), "--data", data.toString(), "--out", outDir.toString(), "--tta", "none");
        var expectedSingle = FaceTrainer.evaluate(FaceNet.load(m), Fer2013.load(data.resolve("public-test"), FaceNet.FER_CLASSES, 0), 3);
        assertTrue(single.out().contains(String.format(Locale.ROOT, "14 images, 1 view (the face alone), accuracy %.4f", expectedSingle.accuracy())), single.out());
        var bad = run("face", "evaluate", "--model", m.toString(), "--data", data.toString(), "--tta", "ten");
        assertEquals(2, bad.code(), bad.out());
        assertTrue(bad.err().contains("--tta must be none, mirror or grid, got 'ten'"), bad.err());
        for (String f : List.of("confusion.png", "confusion.svg", "confusion.csv")) assertTrue(Files.size(outDir.resolve(f)) > 0, f);
        List<String> rows = Files.readAllLines(outDir.resolve("confusion.csv"));
        assertEquals(8, rows.size());
        for (int k = 0; k < 7; k++) {
            String[] cells = rows.get(k + 1).split(",");
            assertEquals(FaceNet.FER_CLASSES.get(k), cells[0]);
            int sum = 0;
            for (int j = 1; j < cells.length; j++) sum += Integer.parseInt(cells[j]);
            assertEquals(2, sum, "two public-test faces per class");
            for (int j = 1; j < cells.length; j++) assertEquals(expected.confusion()[k][j - 1], Integer.parseInt(cells[j]));
        }

        Path face;
        try (Stream<Path> s = Files.list(data.resolve("public-test/happy"))) {
            face = s.sorted().findFirst().orElseThrow();
        }
        var pr = run("face", "predict", "--model", m.toString(), face.toString());
        assertEquals(0, pr.code(), pr.err());
        float[] p = net.predict(Tensor.of(net.normalise(Fer2013.readGrey(face, 48)), 1, 1, 48, 48)).data();
        double sum = 0;
        for (int k = 0; k < 7; k++) {
            sum += p[k];
            assertTrue(pr.out().contains(String.format(Locale.ROOT, " %s %.3f", FaceNet.FER_CLASSES.get(k), p[k])), pr.out());
        }
        assertEquals(1.0, sum, 1e-5);
        assertTrue(pr.out().startsWith(face.toString() + ": "), pr.out());
    }

    @Test
    void badInputExitsWithAClearMessage() throws IOException {
        var noDir = run("face", "train", "--data", tmp.resolve("missing").toString());
        assertEquals(1, noDir.code());
        assertTrue(noDir.err().contains("missing") && noDir.err().contains("no such directory"), noDir.err());
        var noSub = run("face", "frobnicate");
        assertEquals(2, noSub.code());
        assertTrue(noSub.err().contains("unknown subcommand 'frobnicate'"), noSub.err());

        Path m = tmp.resolve("bad/face.safetensors");
        Files.createDirectories(m.getParent());
        new FaceNet(FaceNet.FER_CLASSES, 0.5f, 0.25f, 0.5f, 8, new io.mater.engine.Rng(2)).save(m);
        Path text = tmp.resolve("bad/readme.png");
        Files.writeString(text, "not a picture");
        var notImage = run("face", "predict", "--model", m.toString(), text.toString());
        assertEquals(1, notImage.code());
        assertTrue(notImage.err().contains("readme.png") && notImage.err().contains("not an image"), notImage.err());
        var noModel = run("face", "predict", "--model", tmp.resolve("bad/none.safetensors").toString(), text.toString());
        assertEquals(1, noModel.code());
        assertTrue(noModel.err().contains("none.safetensors"), noModel.err());
    }

    static Path fixture(String name) {
        var url = FaceCommandTest.class.getResource("/fixtures/" + name + "/model.safetensors");
        if (url == null) throw new IllegalStateException("fixture " + name + " is missing from the test resources");
        try {
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void predictReadsEmotionsFromVideosAndWritesCsv() throws Exception {
        Path m = tmp.resolve("video/face.safetensors");
        Files.createDirectories(m.getParent());
        new FaceNet(FaceNet.FER_CLASSES, 0.5f, 0.25f, 0.5f, 8, new io.mater.engine.Rng(5)).save(m);
        Path noFace = tmp.resolve("video/pattern.mp4");
        var p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
                "-t", "1", "-pix_fmt", "yuv420p", noFace.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        Path ang = SharedData.path("video/cremad/1001_DFA_ANG_XX.flv"), neu = SharedData.path("video/cremad/1001_DFA_NEU_XX.flv");
        Path csv = tmp.resolve("video/out/readings.csv");
        var r = run("face", "predict", "--model", m.toString(), "--csv", csv.toString(), "--detect-every", "8", "--batch", "16",
                ang.toString(), neu.toString(), noFace.toString());
        assertEquals(0, r.code(), r.err());
        List<String> out = r.out().lines().toList();
        assertTrue(out.get(0).startsWith(ang + ": ") && out.get(0).contains("frames with a face") && out.get(0).contains("label angry (CREMA-D ANG)"), r.out());
        assertTrue(out.get(1).startsWith(neu + ": ") && out.get(1).contains("label neutral (CREMA-D NEU)"), r.out());
        assertTrue(out.get(2).startsWith(noFace + ": 0/10 frames with a face: no face found"), r.out());
        assertTrue(r.out().contains("3 videos, 2 with a face; the reading matches the label in "), r.out());

        List<String> rows = Files.readAllLines(csv);
        assertEquals(4, rows.size(), rows.toString());
        assertEquals("file,kind,frames,face_frames,predicted,probability,label,label_fer," + String.join(",", FaceNet.FER_CLASSES), rows.get(0));
        var model = FaceNet.load(m);
        var faces = new io.mater.vision.VideoFaces(io.mater.vision.FaceDetector.frontalFace(), io.mater.vision.Ffmpeg.system());
        var expected = io.mater.face.FaceVideo.read(model, faces, ang, io.mater.vision.VideoFaces.Options.defaults().withDetectEvery(8), 5);
        String[] c = rows.get(1).split(",");
        assertEquals(ang.toString(), c[0]);
        assertEquals("video", c[1]);
        assertEquals(expected.frames(), Integer.parseInt(c[2]));
        assertEquals(expected.faceFrames(), Integer.parseInt(c[3]));
        assertTrue(expected.faceFrames() > 50, rows.get(1));
        assertEquals(expected.predicted().orElseThrow(), c[4]);
        assertEquals("angry", c[6]);
        assertEquals("angry", c[7]);
        double sum = 0;
        for (int k = 0; k < 7; k++) {
            assertEquals(expected.mean()[k], Double.parseDouble(c[8 + k]), 2e-6, FaceNet.FER_CLASSES.get(k));
            sum += Double.parseDouble(c[8 + k]);
        }
        assertEquals(1.0, sum, 1e-4);
        assertEquals(expected.mean()[expected.argmax()], Double.parseDouble(c[5]), 2e-6);
        String[] none = rows.get(3).split(",", -1);
        assertEquals(List.of(noFace.toString(), "video", "10", "0", "", "", "", ""), List.of(none).subList(0, 8));
        assertEquals(15, none.length);
    }

    @Test
    void materRefWeightsWithAHeadPredictAndEvaluate() throws Exception {
        Path m = fixture("vggm-bn-s32-224"); // mater_ref.py vggm --size 224 --scale 32: a 7-class head
        Path face;
        try (Stream<Path> s = Files.list(data.resolve("public-test/happy"))) {
            face = s.sorted().findFirst().orElseThrow();
        }
        var pr = run("face", "predict", "--model", m.toString(), face.toString());
        assertEquals(0, pr.code(), pr.err());
        var model = io.mater.face.FaceModel.loadClassifier(m);
        float[] p = model.probabilities(Fer2013.readGrey(face, 224), 1);
        for (int k = 0; k < 7; k++) assertTrue(pr.out().contains(String.format(Locale.ROOT, " %s %.3f", FaceNet.FER_CLASSES.get(k), p[k])), pr.out());

        Path outDir = tmp.resolve("ref/eval");
        var ev = run("face", "evaluate", "--model", m.toString(), "--data", data.toString(), "--out", outDir.toString(), "--tta", "mirror");
        assertEquals(0, ev.code(), ev.err());
        var expected = FaceTrainer.evaluate(model, Fer2013.load(data.resolve("public-test"), FaceNet.FER_CLASSES, 0), 4, new Views(true, 0));
        assertEquals(14, expected.total());
        assertTrue(ev.out().contains(String.format(Locale.ROOT, "14 images, 2 views (face and mirror), accuracy %.4f", expected.accuracy())), ev.out());

        // conv weights without a head: an embedder, not a classifier
        Path conv = fixture("vggm-bn-s8-96");
        var noHead = run("face", "predict", "--model", conv.toString(), face.toString());
        assertEquals(1, noHead.code());
        assertTrue(noHead.err().contains(conv.toString()) && noHead.err().contains("no classification head") && noHead.err().contains("7 FER classes"), noHead.err());
    }
}
