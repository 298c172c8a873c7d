package io.mater.vision;

/** An axis-aligned box with real coordinates: [x, x + width) by [y, y + height), in pixels. */
public record Box(double x, double y, double width, double height) {
    public Box {
        if (!(width >= 0) || !(height >= 0) || !Double.isFinite(x) || !Double.isFinite(y)
                || !Double.isFinite(width) || !Double.isFinite(height)) {
            throw new IllegalArgumentException("Box needs finite coordinates and size >= 0, got "
                    + x + "," + y + " " + width + "x" + height);
        }
    }

    /** The box with the given centre and size. */
    public static Box centred(double cx, double cy, double width, double height) {
        return new Box(cx - width / 2, cy - height / 2, width, height);
    }

    public double centerX() {
        return x + width / 2;
    }

    public double centerY() {
        return y + height / 2;
    }

    public double area() {
        return width * height;
    }

    /** Intersection over union, 0 when either is empty. */
    public double iou(Box o) {
        double w = Math.min(x + width, o.x + o.width) - Math.max(x, o.x);
        double h = Math.min(y + height, o.y + o.height) - Math.max(y, o.y);
        double inter = w > 0 && h > 0 ? w * h : 0;
        double union = area() + o.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** This box with every coordinate multiplied by s (maps a box between image scales). */
    public Box scaled(double s) {
        return new Box(x * s, y * s, width * s, height * s);
    }

    /** Linear interpolation between this box (t = 0) and b (t = 1). */
    public Box lerp(Box b, double t) {
        return new Box(x + (b.x - x) * t, y + (b.y - y) * t,
                width + (b.width - width) * t, height + (b.height - height) * t);
    }
}
