package io.mater.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java Haar detector against OpenCV 4.6 ({@code cv2.CascadeClassifier.detectMultiScale}) on reference
 * images: FER2013 faces upscaled to 144x144 and 5 frames of every test video (decoded again here with ffmpeg,
 * shrunk to 320 pixels wide; both resizes with INTER_LINEAR_EXACT, which {@link Resize} reproduces).
 * References come from mater/src/test/python/make_face_fixtures.py; parameter set A is scaleFactor 1.1,
 * minNeighbors 5, minSize 30x30 and B is 1.2, 3, no minimum; ".raw" are the ungrouped candidates
 * (minNeighbors 0).
 */
class FaceDetectorTest {
    private static FaceDetector detector;
    private static Map<String, FaceDetector.Params> params;
    private static List<Map<String, String>> records;

    @BeforeAll
    static void load() throws IOException {
        detector = FaceDetector.frontalFace();
        params = new LinkedHashMap<>();
        records = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.resource("fixtures/faces/reference.tsv"))) {
            if (line.isBlank() || line.startsWith("#")) continue;
            var m = new HashMap<String, String>();
            for (String f : line.split("\t", -1)) {
                int e = f.indexOf('=');
                m.put(f.substring(0, e), f.substring(e + 1));
            }
            if (m.get("kind").equals("params")) {
                int[] min = size(m.get("minSize"));
                params.put(m.get("name"), new FaceDetector.Params(Double.parseDouble(m.get("scaleFactor")),
                        Integer.parseInt(m.get("minNeighbors")), min[0], min[1], 0, 0));
            } else {
                records.add(m);
            }
        }
        assertEquals(List.of("A", "B"), List.copyOf(params.keySet()));
    }

    @Test
    void cascadeIsParsed() {
        var c = detector.cascade();
        assertEquals(24, c.windowWidth());
        assertEquals(24, c.windowHeight());
        assertEquals(25, c.stageCount());
        assertEquals(2913, c.treeCount());
        assertEquals(2913, c.featureCount());
        assertTrue(c.isStumps());
        // First stage of haarcascade_frontalface_default.xml: 9 trees, threshold -5.0425500869750977 - 1e-5.
        assertEquals(9, c.stage(0).treeCount());
        assertEquals((float) -5.0425500869750977 - 1e-5f, c.stage(0).threshold());
        assertEquals(new Rect(6, 4, 12, 9), c.feature(0).rects()[0]);
        assertEquals(3f, c.feature(0).weights()[1]);
    }

    @Test
    void resizeIsBitExactWithOpenCv() throws IOException {
        int checked = 0;
        for (var m : records) {
            if (!m.get("kind").equals("resize")) continue;
            GrayImage src = image(m);
            if (src == null) continue;
            int[] s = size(m.get("size"));
            assertEquals(m.get("crc32"), crc(Resize.linearExact(src, s[0], s[1]).pixels()),
                    "INTER_LINEAR_EXACT of " + m.get("source") + " frame " + m.get("frame") + " to " + m.get("size"));
            checked++;
        }
        assertTrue(checked >= 3 * 28, "resize references checked: " + checked);
    }

    @Test
    void matchesOpenCvOnFerFaces() throws IOException {
        assertEquals(28, compare(true));
    }

    @Test
    void matchesOpenCvOnVideoFrames() throws IOException {
        assertEquals(13 * 5, compare(false));
    }

    /** Compares all references of one kind; returns how many images were compared. */
    private int compare(boolean fer) throws IOException {
        int images = 0, exact = 0, total = 0, boxes = 0;
        double minIou = 1;
        var report = new StringBuilder();
        for (var m : records) {
            if (!m.get("kind").equals("image") || m.get("source").startsWith("fer/") != fer) continue;
            GrayImage img = image(m);
            assertEquals(m.get("crc32"), crc(img.pixels()), "pixels of " + m.get("source") + " frame " + m.get("frame")
                    + " differ from the ones OpenCV saw (ffmpeg version?)");
            int[] rs = size(m.get("resize"));
            img = Resize.linearExact(img, rs[0], rs[1]);
            images++;
            report.append(m.get("source")).append(" #").append(m.get("frame"));
            for (var e : params.entrySet()) {
                String name = e.getKey();
                var p = e.getValue();
                if (!m.containsKey(name)) continue; // video frames have parameter set A only
                // Raw candidates (OpenCV's minNeighbors=0 output): the same set as OpenCV's, exactly.
                var raw = detector.candidates(img, p);
                assertEquals(m.get(name + ".raw"), format(FaceDetector.clip(raw, img.width(), img.height())),
                        "raw candidates, params " + name + ", " + m.get("source") + " frame " + m.get("frame"));
                // Grouped: same count and IoU >= 0.9 per matched box (in fact identical).
                List<Rect> want = parse(m.get(name));
                List<Rect> got = FaceDetector.clip(RectGrouping.group(raw, p.minNeighbors(), FaceDetector.GROUP_EPS),
                        img.width(), img.height());
                assertEquals(got, detector.detect(img, p));
                assertEquals(want.size(), got.size(), "face count, params " + name + ", " + m.get("source")
                        + " frame " + m.get("frame") + ": OpenCV " + want + ", Java " + got);
                for (Rect w : want) {
                    double best = 0;
                    for (Rect g : got) best = Math.max(best, w.iou(g));
                    assertTrue(best >= 0.9, "IoU " + best + " for OpenCV box " + w + " in " + m.get("source"));
                    minIou = Math.min(minIou, best);
                }
                total++;
                boxes += want.size();
                if (format(got).equals(m.get(name))) exact++;
                report.append(' ').append(name).append('=').append(want.size());
            }
            report.append('\n');
        }
        System.out.printf("%s: %d images, %d detections: %d identical to OpenCV, %d boxes, min IoU %.3f%n%s",
                fer ? "FER 144x144 (parameter sets A, B)" : "video frames at 320 wide (parameter set A)", images, total, exact,
                boxes, minIou, report);
        assertEquals(total, exact, "every grouped detection is identical to OpenCV's");
        return images;
    }

    @Test
    void matchesOpenCvOnScaleEdgeCases() throws IOException {
        int n = 0;
        for (var m : records) {
            if (!m.get("kind").equals("special")) continue;
            String[] v = m.get("params").split(",");
            var p = new FaceDetector.Params(Double.parseDouble(v[0]), Integer.parseInt(v[1]), Integer.parseInt(v[2]),
                    Integer.parseInt(v[3]), Integer.parseInt(v[4]), Integer.parseInt(v[5]));
            int[] up = size(m.get("resize"));
            var img = Resize.linearExact(image(m), up[0], up[1]);
            assertEquals(m.get("boxes"), format(detector.detect(img, p)), "params " + m.get("params"));
            n++;
        }
        assertEquals(5, n);
    }

    @Test
    void resultDoesNotDependOnThreadCount() throws IOException {
        var m = records.stream().filter(r -> r.get("kind").equals("image") && r.get("source").startsWith("fer/"))
                .findFirst().orElseThrow();
        var img = Resize.linearExact(image(m), 144, 144);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            var one = detector.detect(img, params.get("A").withMinNeighbors(0));
            Parallel.setThreads(3);
            var three = detector.detect(img, params.get("A").withMinNeighbors(0));
            assertEquals(one, three);
            assertTrue(!one.isEmpty());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void scalesFollowOpenCvRules() {
        var p = new FaceDetector.Params(1.1, 3, 30, 30, 40, 40);
        // windows round(24 * 1.1^k): 24, 26, 29, 32, 35, 39, 43 -> min 30 drops the first 3, max 40 stops at 43.
        float[] s = detector.scales(100, 100, p);
        assertEquals(3, s.length);
        assertEquals((float) (1.1 * 1.1 * 1.1), s[0]);
        assertEquals(39, Math.round(24 * s[2]));
        // Image smaller than the 24x24 window: nothing to scan.
        assertEquals(0, detector.scales(23, 100, FaceDetector.Params.defaults()).length);
        // minSize above every possible window: OpenCV keeps the single closest factor.
        float[] closest = detector.scales(50, 50, new FaceDetector.Params(1.1, 3, 60, 60, 0, 0).withMaxSize(100, 100));
        assertEquals(1, closest.length);
        assertEquals(47, Math.round(24 * closest[0])); // largest window that fits 50x50
    }

    @Test
    void flatAndTinyImagesGiveNothing() {
        var flat = new GrayImage(64, 48, new byte[64 * 48]);
        assertEquals(List.of(), detector.detect(flat, FaceDetector.Params.defaults().withMinNeighbors(0)));
        var tiny = new GrayImage(20, 20, new byte[400]);
        assertEquals(List.of(), detector.detect(tiny, FaceDetector.Params.defaults()));
    }

    @Test
    void badParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new FaceDetector.Params(1.0, 3, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new FaceDetector.Params(1.1, -1, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new FaceDetector.Params(1.1, 3, -1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new FaceDetector.Params(Double.NaN, 3, 0, 0, 0, 0));
    }

    @Test
    void groupingFollowsOpenCvRules() {
        // Three similar rects (within eps 0.2 of each other) average to one; a lone rect is dropped.
        var rects = List.of(new Rect(10, 10, 50, 50), new Rect(12, 11, 52, 52), new Rect(11, 9, 49, 49),
                new Rect(200, 200, 40, 40));
        // mean x = 33/3 = 11, y = 30/3 = 10, w = 151/3 = 50.33 -> 50, h = 50
        assertEquals(List.of(new Rect(11, 10, 50, 50)), RectGrouping.group(rects, 2, 0.2));
        assertEquals(rects, RectGrouping.group(rects, 0, 0.2), "groupThreshold 0 returns the input");
        assertEquals(List.of(new Rect(11, 10, 50, 50), new Rect(200, 200, 40, 40)), RectGrouping.group(
                List.of(rects.get(0), rects.get(1), rects.get(2), rects.get(3), rects.get(3)), 1, 0.2));
        // A small cluster inside a stronger big one is removed (n2 > max(3, n1)).
        var big = List.of(new Rect(0, 0, 100, 100), new Rect(0, 0, 100, 100), new Rect(0, 0, 100, 100),
                new Rect(0, 0, 100, 100), new Rect(30, 30, 30, 30), new Rect(30, 30, 30, 30));
        assertEquals(List.of(new Rect(0, 0, 100, 100)), RectGrouping.group(big, 1, 0.2));
    }

    // --- helpers ---

    private static GrayImage image(Map<String, String> m) throws IOException {
        String src = m.get("source");
        if (src.startsWith("fer/")) return GrayImage.read(TestData.resource("fixtures/faces/" + src));
        int frame = Integer.parseInt(m.get("frame"));
        var frames = FRAMES.computeIfAbsent(src, FaceDetectorTest::decodeReferencedFrames);
        var img = frames.get(frame);
        if (img == null) throw new IllegalStateException("frame " + frame + " not found in " + src);
        return img;
    }

    private static final Map<String, Map<Integer, GrayImage>> FRAMES = new HashMap<>();

    /** Decodes a video once, keeping the frames some reference record names. */
    private static Map<Integer, GrayImage> decodeReferencedFrames(String source) {
        var wanted = new java.util.HashSet<Integer>();
        for (var r : records) if (r.get("source").equals(source)) wanted.add(Integer.parseInt(r.get("frame")));
        var out = new HashMap<Integer, GrayImage>();
        int last = wanted.stream().mapToInt(Integer::intValue).max().orElse(-1);
        try (var d = VideoDecoder.open(TestData.video(source.substring("video/".length())), DecodeOptions.gray())) {
            while (d.hasNext()) {
                var f = d.next();
                if (wanted.contains(f.index())) out.put(f.index(), f.gray());
                if (f.index() >= last) break;
            }
        }
        return out;
    }

    private static String crc(byte[] b) {
        var c = new CRC32();
        c.update(b);
        return String.format("%08x", c.getValue());
    }

    private static int[] size(String s) {
        String[] p = s.split("x");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }

    static List<Rect> parse(String s) {
        var out = new ArrayList<Rect>();
        if (s.isEmpty()) return out;
        for (String r : s.split(";")) {
            String[] v = r.split(",");
            out.add(new Rect(Integer.parseInt(v[0]), Integer.parseInt(v[1]), Integer.parseInt(v[2]), Integer.parseInt(v[3])));
        }
        return out;
    }

    /** Rects sorted as Python sorts tuples, as the fixture stores them. */
    static String format(List<Rect> rects) {
        var l = new ArrayList<>(rects);
        l.sort(Comparator.comparingInt(Rect::x).thenComparingInt(Rect::y).thenComparingInt(Rect::width)
                .thenComparingInt(Rect::height));
        var sb = new StringBuilder();
        for (var r : l) {
            if (!sb.isEmpty()) sb.append(';');
            sb.append(r.x()).append(',').append(r.y()).append(',').append(r.width()).append(',').append(r.height());
        }
        return sb.toString();
    }
}
