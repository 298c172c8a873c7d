package io.mater.vision;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link VideoDecoder} delivers.
 *
 * @param format     pixel layout of the frames
 * @param width      output width in pixels; 0 = native (and height 0), -1 = keep the aspect ratio for the height
 * @param height     output height in pixels; 0 = native, -1 = keep the aspect ratio for the width
 * @param scale      alternative to width/height: multiply the native size by this (rounded); 0 = unused
 * @param frameStep  keep every k-th decoded frame (1 = all), with its own timestamp
 * @param start      seconds to skip at the start (accurate seek); 0 = from the beginning
 * @param duration   seconds to decode from {@code start}; 0 = to the end
 * @param scaleFlags ffmpeg scaler when resizing ("area" averages, good for downscaling; "bilinear", "bicubic")
 */
public record DecodeOptions(PixelFormat format, int width, int height, double scale, int frameStep, double start,
                            double duration, String scaleFlags) {
    public DecodeOptions {
        if (format == null) throw new IllegalArgumentException("format must be given");
        if (width < -1 || height < -1 || (width == -1 && height == -1) || (width == 0) != (height == 0)) {
            throw new IllegalArgumentException("output size must be 0x0 (native), WxH, Wx-1 or -1xH, got "
                    + width + "x" + height);
        }
        if (!(scale >= 0) || !Double.isFinite(scale)) throw new IllegalArgumentException("scale must be >= 0, got " + scale);
        if (scale > 0 && width != 0) throw new IllegalArgumentException("give either a scale or a size, not both");
        if (frameStep < 1) throw new IllegalArgumentException("frameStep must be >= 1, got " + frameStep);
        if (!(start >= 0) || !(duration >= 0) || !Double.isFinite(start) || !Double.isFinite(duration)) {
            throw new IllegalArgumentException("start and duration must be >= 0, got " + start + ", " + duration);
        }
        if (scaleFlags == null || !scaleFlags.matches("[a-z_+]+")) {
            throw new IllegalArgumentException("scaleFlags must name an ffmpeg scaler, got " + scaleFlags);
        }
    }

    /** Grey frames at native size, every frame, whole file. */
    public static DecodeOptions gray() {
        return new DecodeOptions(PixelFormat.GRAY8, 0, 0, 0, 1, 0, 0, "area");
    }

    /** RGB frames at native size, every frame, whole file. */
    public static DecodeOptions rgb() {
        return new DecodeOptions(PixelFormat.RGB24, 0, 0, 0, 1, 0, 0, "area");
    }

    public DecodeOptions withSize(int w, int h) {
        return new DecodeOptions(format, w, h, 0, frameStep, start, duration, scaleFlags);
    }

    public DecodeOptions withScale(double s) {
        return new DecodeOptions(format, 0, 0, s, frameStep, start, duration, scaleFlags);
    }

    public DecodeOptions withFrameStep(int k) {
        return new DecodeOptions(format, width, height, scale, k, start, duration, scaleFlags);
    }

    public DecodeOptions withRange(double startSeconds, double durationSeconds) {
        return new DecodeOptions(format, width, height, scale, frameStep, startSeconds, durationSeconds, scaleFlags);
    }

    public DecodeOptions withScaleFlags(String flags) {
        return new DecodeOptions(format, width, height, scale, frameStep, start, duration, flags);
    }

    /** The video filter chain, ending in showinfo (which reports each output frame's timestamp and size). */
    String filterChain() {
        var f = new ArrayList<String>();
        if (frameStep > 1) f.add("framestep=" + frameStep);
        if (scale > 0) {
            String s = String.format(Locale.ROOT, "%.9g", scale);
            f.add("scale=w=max(1\\,round(iw*" + s + ")):h=max(1\\,round(ih*" + s + ")):flags=" + scaleFlags);
        } else if (width != 0) {
            f.add("scale=w=" + width + ":h=" + height + ":flags=" + scaleFlags);
        }
        f.add("format=" + format.ffmpegName());
        f.add("showinfo");
        return String.join(",", f);
    }

    /** ffmpeg's input options (before -i). */
    List<String> inputOptions() {
        var o = new ArrayList<String>();
        if (start > 0) o.addAll(List.of("-ss", String.format(Locale.ROOT, "%.6f", start)));
        if (duration > 0) o.addAll(List.of("-t", String.format(Locale.ROOT, "%.6f", duration)));
        return o;
    }
}
