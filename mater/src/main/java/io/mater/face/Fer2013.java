package io.mater.face;

import io.mater.engine.Parallel;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * One FER2013 split held in memory: DIR/&lt;class&gt;/*.jpg (the folder layout of ../shared/data/fer2013/train
 * and public-test), every image decoded once (in parallel) to 48x48 grey values on [0, 1].
 *
 * @param pixels [n, 48, 48] grey values on [0, 1], row-major
 * @param labels [n] class indices into classes
 */
public record Fer2013(Path dir, List<String> classes, float[] pixels, int[] labels, List<Path> files) {
    public static final int SIZE = 48, PIXELS = SIZE * SIZE;

    public int size() {
        return labels.length;
    }

    /** Images per class. */
    public int[] counts() {
        int[] c = new int[classes.size()];
        for (int y : labels) c[y]++;
        return c;
    }

    /**
     * Reads DIR/&lt;class&gt;/ for each class (every class folder must exist), at most limitPerClass images of each
     * (in file-name order; 0 = all).
     */
    public static Fer2013 load(Path dir, List<String> classes, int limitPerClass) throws IOException {
        if (!Files.isDirectory(dir)) throw new FileNotFoundException(dir + ": no such directory (expected a FER2013 split with one folder per class: " + String.join(", ", classes) + ")");
        var files = new ArrayList<Path>();
        var labelList = new ArrayList<Integer>();
        for (int k = 0; k < classes.size(); k++) {
            Path sub = dir.resolve(classes.get(k));
            if (!Files.isDirectory(sub)) throw new FileNotFoundException(dir + ": has no folder '" + classes.get(k) + "' (expected one folder per class: " + String.join(", ", classes) + ")");
            List<Path> imgs;
            try (Stream<Path> s = Files.list(sub)) {
                imgs = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
            }
            if (limitPerClass > 0 && imgs.size() > limitPerClass) imgs = imgs.subList(0, limitPerClass);
            for (Path p : imgs) {
                files.add(p);
                labelList.add(k);
            }
        }
        if (files.isEmpty()) throw new IOException(dir + ": no images in its class folders");
        int n = files.size();
        float[] pixels = new float[n * PIXELS];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = labelList.get(i);
        try {
            Parallel.range(n, 64, (from, to) -> {
                for (int i = from; i < to; i++) {
                    try {
                        System.arraycopy(readGrey(files.get(i), SIZE), 0, pixels, i * PIXELS, PIXELS);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Fer2013(dir, List.copyOf(classes), pixels, labels, List.copyOf(files));
    }

    /** An image file (PNG, JPEG, ...) as size x size grey values on [0, 1], resized (bilinear) if needed. */
    public static float[] readGrey(Path file, int size) throws IOException {
        if (!Files.isRegularFile(file)) throw new FileNotFoundException(file + ": no such image file");
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": cannot decode the image (" + e.getMessage() + ")", e);
        }
        if (img == null) throw new IOException(file + ": not an image that can be decoded (PNG or JPEG expected)");
        return grey(img, size);
    }

    /** size x size grey values on [0, 1] of an image (converted to grey and resized when it is not already). */
    public static float[] grey(BufferedImage img, int size) {
        BufferedImage g = img;
        if (img.getType() != BufferedImage.TYPE_BYTE_GRAY || img.getWidth() != size || img.getHeight() != size) {
            g = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
            var gr = g.createGraphics();
            gr.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            gr.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            gr.drawImage(img, 0, 0, size, size, null);
            gr.dispose();
        }
        var raster = g.getRaster();
        float[] out = new float[size * size];
        int[] row = new int[size];
        for (int y = 0; y < size; y++) {
            raster.getSamples(0, y, size, 1, 0, row);
            for (int x = 0; x < size; x++) out[y * size + x] = row[x] / 255f;
        }
        return out;
    }
}
