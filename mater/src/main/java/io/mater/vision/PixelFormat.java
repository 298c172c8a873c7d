package io.mater.vision;

/** Raw pixel layouts the decoder can deliver. */
public enum PixelFormat {
    /** 8-bit grey, one byte per pixel (full range 0..255). */
    GRAY8("gray", 1),
    /** 8-bit R, G, B per pixel, packed. */
    RGB24("rgb24", 3);

    private final String ffmpegName;
    private final int bytesPerPixel;

    PixelFormat(String ffmpegName, int bytesPerPixel) {
        this.ffmpegName = ffmpegName;
        this.bytesPerPixel = bytesPerPixel;
    }

    /** The name ffmpeg uses ({@code -pix_fmt}). */
    public String ffmpegName() {
        return ffmpegName;
    }

    public int bytesPerPixel() {
        return bytesPerPixel;
    }
}
