package io.mater.vision;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * An 8-bit grey image, row-major: pixel (x, y) is {@code pixels[y * width + x] & 0xFF}.
 * The array is shared, not copied; treat it as read-only once the image is built.
 */
public record GrayImage(int width, int height, byte[] pixels) {
    public GrayImage {
        Objects.requireNonNull(pixels, "pixels");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("GrayImage size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != (long) width * height) {
            throw new IllegalArgumentException("GrayImage " + width + "x" + height + " needs " + (long) width * height
                    + " pixels, got " + pixels.length);
        }
    }

    /** The grey value at (x, y), 0..255. */
    public int get(int x, int y) {
        return pixels[y * width + x] & 0xFF;
    }

    /**
     * Grey from packed RGB24 with OpenCV's fixed-point BT.601 weights (as {@code cvtColor(RGB2GRAY)}):
     * (4899 R + 9617 G + 1868 B + 8192) >> 14.
     */
    public static GrayImage fromRgb(int width, int height, byte[] rgb) {
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("RGB image " + width + "x" + height + " needs " + (long) width * height * 3
                    + " bytes, got " + rgb.length);
        }
        var out = new byte[width * height];
        for (int i = 0, j = 0; i < out.length; i++, j += 3) {
            int r = rgb[j] & 0xFF, g = rgb[j + 1] & 0xFF, b = rgb[j + 2] & 0xFF;
            out[i] = (byte) ((r * 4899 + g * 9617 + b * 1868 + (1 << 13)) >> 14);
        }
        return new GrayImage(width, height, out);
    }

    /** The pixels as floats times {@code scale} (1/255 gives [0, 1]). */
    public float[] toFloat(float scale) {
        var out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) out[i] = (pixels[i] & 0xFF) * scale;
        return out;
    }

    /** Reads a PNG (or any format ImageIO knows); colour images are converted to grey as {@link #fromRgb}. */
    public static GrayImage read(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) throw new IOException("not an image ImageIO can read: " + file);
        int w = img.getWidth(), h = img.getHeight();
        if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            var px = new byte[w * h];
            img.getRaster().getDataElements(0, 0, w, h, px);
            return new GrayImage(w, h, px);
        }
        var rgb = new byte[w * h * 3];
        for (int y = 0, j = 0; y < h; y++) {
            for (int x = 0; x < w; x++, j += 3) {
                int p = img.getRGB(x, y);
                rgb[j] = (byte) (p >> 16);
                rgb[j + 1] = (byte) (p >> 8);
                rgb[j + 2] = (byte) p;
            }
        }
        return fromRgb(w, h, rgb);
    }

    /** Writes an 8-bit grey PNG (to a temp file first, then renamed into place). */
    public void writePng(Path file) throws IOException {
        var img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, width, height, pixels);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer for " + file);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GrayImage g && g.width == width && g.height == height && Arrays.equals(g.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "GrayImage[" + width + "x" + height + "]";
    }
}
