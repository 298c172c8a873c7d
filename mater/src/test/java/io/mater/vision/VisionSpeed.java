package io.mater.vision;

import io.mater.engine.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Speed report for the video pipeline (not a unit test; timings are not asserted anywhere):
 * decoding frames/s per test video, audio extraction time, detector frames/s on 640x480 frames, and the
 * whole face pipeline (decode, detect every 2nd frame, track, crop 48 x 48, VGG-M embedding of every frame,
 * window means) over the six CREMA-D clips, in frames/s, with random full-width VGG-M weights.
 *
 * <pre>mvn -q -o -pl mater -am test-compile
 * java --add-modules jdk.incubator.vector -cp mater/target/test-classes:mater/target/classes:engine/target/classes:nn/target/classes \
 *     io.mater.vision.VisionSpeed [threads...]</pre>
 */
public final class VisionSpeed {
    private VisionSpeed() {}

    public static void main(String[] args) throws Exception {
        Path root = TestData.sharedData().resolve("video");
        var videos = new ArrayList<Path>();
        try (var dirs = Files.list(root)) {
            for (Path d : dirs.sorted().toList()) try (var fs = Files.list(d)) {
                videos.addAll(fs.sorted().toList());
            }
        }
        System.out.println("decoding (grey, native size, all frames; best of 3):");
        for (Path v : videos) {
            double best = 0, bestAudio = Double.MAX_VALUE;
            int n = 0;
            String size = "";
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                n = 0;
                try (var d = VideoDecoder.open(v, DecodeOptions.gray())) {
                    while (d.hasNext()) {
                        var f = d.next();
                        size = f.width() + "x" + f.height();
                        n++;
                    }
                }
                long t1 = System.nanoTime();
                AudioExtractor.read(v, 16000);
                long t2 = System.nanoTime();
                best = Math.max(best, n / ((t1 - t0) / 1e9));
                bestAudio = Math.min(bestAudio, (t2 - t1) / 1e6);
            }
            System.out.printf("  %-28s %-8s %4d frames %6.0f frames/s   audio 16 kHz %4.0f ms%n", v.getFileName(), size, n,
                    best, bestAudio);
        }
        var frames = VideoDecoder.readAll(root.resolve("ravdess/01-01-07-02-02-01-01.mp4"), DecodeOptions.gray().withFrameStep(4));
        var detector = FaceDetector.frontalFace();
        var params = FaceDetector.Params.defaults();
        List<Integer> threads = new ArrayList<>();
        for (String a : args) threads.add(Integer.parseInt(a));
        if (threads.isEmpty()) threads = List.of(1, Parallel.threads());
        for (int t : threads) {
            Parallel.setThreads(t);
            for (var f : frames) detector.detect(f.gray(), params); // warm up
            double best = 0;
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                for (var f : frames) detector.detect(f.gray(), params);
                best = Math.max(best, frames.size() / ((System.nanoTime() - t0) / 1e9));
            }
            System.out.printf("detector, 640x480 RAVDESS frames (scaleFactor 1.1, minNeighbors 5, minSize 30x30), %d thread(s): "
                    + "%.1f frames/s%n", t, best);
        }
        var cremad = new ArrayList<Path>();
        try (var fs = Files.list(root.resolve("cremad"))) {
            cremad.addAll(fs.sorted().toList());
        }
        var emb = VGGMCropEmbedder.random(1, 48, 0);
        var own = new boolean[cremad.size()];
        java.util.Arrays.fill(own, true);
        for (int t : threads) {
            Parallel.setThreads(t);
            double best = 0;
            long total = 0;
            for (int rep = 0; rep < 2; rep++) {
                var b = VideoWindows.embedAll(Ffmpeg.system(), detector, cremad, own, VideoFaces.Options.defaults(), 6, 0.5, emb, 64, null);
                best = Math.max(best, b.framesPerSecond());
                total = b.frames();
            }
            System.out.printf("face pipeline (6 CREMA-D clips, %d frames, VGG-M 48 x 48), %d thread(s): %.1f frames/s%n", total, t, best);
        }
    }
}
