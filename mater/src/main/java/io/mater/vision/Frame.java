package io.mater.vision;

import java.util.Objects;

/**
 * One decoded video frame.
 *
 * @param index  position among the frames the decoder produced, counting every source frame from the start of
 *               decoding (with a frame step k, indices are 0, k, 2k, ...)
 * @param time   presentation time in seconds on the file's timeline (see {@link VideoDecoder})
 * @param pixels row-major, {@code format.bytesPerPixel()} bytes per pixel
 */
public record Frame(int index, double time, int width, int height, PixelFormat format, byte[] pixels) {
    public Frame {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(pixels, "pixels");
        if ((long) width * height * format.bytesPerPixel() != pixels.length) {
            throw new IllegalArgumentException("frame " + width + "x" + height + " " + format + " needs "
                    + (long) width * height * format.bytesPerPixel() + " bytes, got " + pixels.length);
        }
    }

    /** The frame as a grey image (shares the array for GRAY8; converts RGB24 as {@link GrayImage#fromRgb}). */
    public GrayImage gray() {
        return format == PixelFormat.GRAY8 ? new GrayImage(width, height, pixels) : GrayImage.fromRgb(width, height, pixels);
    }

    @Override
    public String toString() {
        return "Frame[" + index + " @" + time + "s " + width + "x" + height + " " + format + "]";
    }
}
