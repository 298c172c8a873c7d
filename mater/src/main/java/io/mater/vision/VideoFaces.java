package io.mater.vision;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Video to face crops: the building blocks chained for a whole clip.
 * <ol>
 *   <li>Pass 1 decodes grey frames (every {@code detectEvery}-th), shrinks each so its width is at most
 *       {@code detectWidth} ({@link Resize#linearExact}) and runs the {@link FaceDetector}; boxes are mapped
 *       back to frame pixels.</li>
 *   <li>{@link FaceTracker} keeps the speaker's face and smooths and bridges it.</li>
 *   <li>Pass 2 decodes the frames again (every {@code cropEvery}-th) and cuts a {@link FaceCrop} wherever the
 *       track has a face.</li>
 * </ol>
 * Decoding twice keeps memory to one frame at a time whatever the clip length.
 */
public final class VideoFaces {
    /**
     * @param detectEvery run the detector on every k-th frame (the tracker interpolates between)
     * @param detectWidth largest frame width the detector sees (wider frames are shrunk; 0 = native)
     * @param cropEvery   crop every k-th frame (1 = all)
     */
    public record Options(int detectEvery, int detectWidth, int cropEvery, FaceDetector.Params detector,
                          FaceTracker.Options tracker, FaceCrop.Options crop) {
        public Options {
            if (detectEvery < 1 || cropEvery < 1) throw new IllegalArgumentException("frame steps must be >= 1");
            if (detectWidth < 0) throw new IllegalArgumentException("detectWidth must be >= 0, got " + detectWidth);
            if (detector == null || tracker == null || crop == null) throw new IllegalArgumentException("options must be given");
        }

        /** Detect every 2nd frame at width <= 480, crop every frame, default detector/tracker/crop settings. */
        public static Options defaults() {
            return new Options(2, 480, 1, FaceDetector.Params.defaults(), FaceTracker.Options.defaults(),
                    FaceCrop.Options.defaults());
        }

        public Options withDetectEvery(int k) {
            return new Options(k, detectWidth, cropEvery, detector, tracker, crop);
        }

        public Options withDetectWidth(int w) {
            return new Options(detectEvery, w, cropEvery, detector, tracker, crop);
        }

        public Options withCropEvery(int k) {
            return new Options(detectEvery, detectWidth, k, detector, tracker, crop);
        }
    }

    /**
     * Crops of one clip.
     *
     * @param times      time of each cropped frame, seconds
     * @param frameIndex index of each cropped frame in the video
     * @param boxes      the face box in each frame (null: no face)
     * @param crops      size*size floats per frame (null: no face)
     * @param detections what the detector found in the analysed frames (in frame pixels)
     */
    public record Result(Path video, int width, int height, double[] times, int[] frameIndex, Box[] boxes,
                         float[][] crops, List<FaceTracker.Detections> detections, FaceTrack track) {
        /** Whether each cropped frame has a face. */
        public boolean[] mask() {
            var m = new boolean[boxes.length];
            for (int i = 0; i < m.length; i++) m[i] = boxes[i] != null;
            return m;
        }

        /** Fraction of the cropped frames with a face. */
        public double presenceRate() {
            int n = 0;
            for (Box b : boxes) if (b != null) n++;
            return boxes.length == 0 ? 0 : (double) n / boxes.length;
        }
    }

    private final FaceDetector detector;
    private final Ffmpeg ffmpeg;

    public VideoFaces(FaceDetector detector, Ffmpeg ffmpeg) {
        this.detector = detector;
        this.ffmpeg = ffmpeg;
    }

    /** Detections in every {@code detectEvery}-th frame (pass 1). */
    public List<FaceTracker.Detections> detect(Path video, Options o) {
        var out = new ArrayList<FaceTracker.Detections>();
        try (var d = VideoDecoder.open(ffmpeg, video, DecodeOptions.gray().withFrameStep(o.detectEvery()))) {
            while (d.hasNext()) {
                var f = d.next();
                GrayImage img = f.gray();
                double sx = 1, sy = 1;
                if (o.detectWidth() > 0 && img.width() > o.detectWidth()) {
                    int w = o.detectWidth();
                    int h = Math.max(1, (int) Math.round((double) img.height() * w / img.width()));
                    sx = (double) img.width() / w;
                    sy = (double) img.height() / h;
                    img = Resize.linearExact(img, w, h);
                }
                out.add(new FaceTracker.Detections(f.time(), FaceTracker.boxes(detector.detect(img, o.detector()), sx, sy)));
            }
        }
        return out;
    }

    /** The whole chain: detect, track, crop. */
    public Result extract(Path video, Options o) {
        var detections = detect(video, o);
        var track = FaceTracker.track(detections, o.tracker());
        var times = new ArrayList<Double>();
        var index = new ArrayList<Integer>();
        var boxes = new ArrayList<Box>();
        var crops = new ArrayList<float[]>();
        int width = 0, height = 0;
        try (var d = VideoDecoder.open(ffmpeg, video, DecodeOptions.gray().withFrameStep(o.cropEvery()))) {
            while (d.hasNext()) {
                var f = d.next();
                width = f.width();
                height = f.height();
                Box b = track.boxAt(f.time());
                times.add(f.time());
                index.add(f.index());
                boxes.add(b);
                crops.add(b == null ? null : FaceCrop.crop(f.gray(), b, o.crop()));
            }
        }
        return new Result(video, width, height, times.stream().mapToDouble(Double::doubleValue).toArray(),
                index.stream().mapToInt(Integer::intValue).toArray(), boxes.toArray(Box[]::new),
                crops.toArray(float[][]::new), List.copyOf(detections), track);
    }
}
