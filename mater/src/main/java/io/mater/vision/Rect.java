package io.mater.vision;

/** An axis-aligned integer rectangle in pixels: columns [x, x + width), rows [y, y + height). */
public record Rect(int x, int y, int width, int height) {
    public Rect {
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException("Rect size must be >= 0, got " + width + "x" + height);
        }
    }

    public long area() {
        return (long) width * height;
    }

    /** The overlap with another rectangle (an empty rectangle at this one's corner when they do not meet). */
    public Rect intersect(Rect o) {
        int x0 = Math.max(x, o.x), y0 = Math.max(y, o.y);
        int x1 = Math.min(x + width, o.x + o.width), y1 = Math.min(y + height, o.y + o.height);
        if (x1 <= x0 || y1 <= y0) return new Rect(x0, y0, 0, 0);
        return new Rect(x0, y0, x1 - x0, y1 - y0);
    }

    /** Intersection over union, 0 when either is empty. */
    public double iou(Rect o) {
        long inter = intersect(o).area();
        long union = area() + o.area() - inter;
        return union == 0 ? 0 : (double) inter / union;
    }

    public Box toBox() {
        return new Box(x, y, width, height);
    }
}
