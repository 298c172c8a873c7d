package io.mater.engine;

import java.util.Arrays;

/** Helpers for shapes, strides and broadcasting. */
public final class Shape {
    private Shape() {}

    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public static int numelInt(int[] shape) {
        long n = numel(shape);
        if (n > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("tensor of shape " + str(shape) + " has " + n + " elements; at most 2^31 are supported");
        return (int) n;
    }

    public static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }

    public static void check(int[] shape) {
        for (int d : shape)
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
        numelInt(shape);
    }

    /** NumPy broadcast of two shapes. */
    public static int[] broadcast(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException("shapes " + str(a) + " and " + str(b) + " cannot be broadcast together");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides that view a tensor of (shape, strides) as the larger broadcast shape `to` (0 on expanded dims). */
    public static int[] broadcastStrides(int[] shape, int[] strides, int[] to) {
        int[] out = new int[to.length];
        int off = to.length - shape.length;
        if (off < 0) throw new IllegalArgumentException("cannot broadcast " + str(shape) + " to " + str(to));
        for (int i = 0; i < to.length; i++) {
            if (i < off) {
                out[i] = 0;
            } else {
                int d = shape[i - off];
                if (d == to[i]) out[i] = strides[i - off];
                else if (d == 1) out[i] = 0;
                else throw new IllegalArgumentException("cannot broadcast " + str(shape) + " to " + str(to));
            }
        }
        return out;
    }

    /** Normalises a possibly negative axis against rank. */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.max(rank, 1))
            throw new IllegalArgumentException("axis " + axis + " is out of range for a tensor of rank " + rank);
        return a;
    }

    /** Sorted distinct normalised axes; empty input means all axes. */
    public static int[] axes(int[] axes, int rank) {
        if (axes == null || axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) out[i] = axis(axes[i], rank);
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++)
            if (out[i] == out[i - 1]) throw new IllegalArgumentException("axis " + out[i] + " repeated in " + Arrays.toString(axes));
        return out;
    }

    /**
     * The axis order that puts the kept axes first and the reduced ones last (both in their order): a device
     * backend permutes by it and makes the view contiguous to reduce [rows, cols] rows.
     */
    public static int[] reducedLast(int rank, int[] axes) {
        boolean[] red = new boolean[rank];
        for (int ax : axes) red[ax] = true;
        int[] order = new int[rank];
        int j = 0;
        for (int i = 0; i < rank; i++) if (!red[i]) order[j++] = i;
        for (int i = 0; i < rank; i++) if (red[i]) order[j++] = i;
        return order;
    }

    /** Shape after reducing axes (kept as 1 when keepdim). */
    public static int[] reduced(int[] shape, int[] axes, boolean keepdim) {
        boolean[] r = new boolean[shape.length];
        for (int a : axes) r[a] = true;
        int n = 0;
        for (int i = 0; i < shape.length; i++) if (!r[i] || keepdim) n++;
        int[] out = new int[n];
        int j = 0;
        for (int i = 0; i < shape.length; i++) {
            if (!r[i]) out[j++] = shape[i];
            else if (keepdim) out[j++] = 1;
        }
        return out;
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
