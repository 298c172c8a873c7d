package io.mater.vision;

import java.util.ArrayList;
import java.util.List;

/**
 * OpenCV's {@code groupRectangles}: clusters similar rectangles, averages each cluster, drops clusters with
 * too few members and clusters lying inside a stronger one.
 *
 * <ol>
 *   <li>Two rectangles are similar when every edge differs by at most
 *       delta = eps * (min(w1, w2) + min(h1, h2)) / 2.</li>
 *   <li>Clusters are the connected components of "similar" (union-find), numbered in order of their first
 *       member.</li>
 *   <li>Each cluster becomes the mean of its members, each coordinate rounded half to even as
 *       {@code round(float(sum) * (1f / count))}.</li>
 *   <li>A cluster survives when it has more than {@code groupThreshold} members and is not inside another
 *       surviving-size cluster r2 (with slack eps * r2's size) that has more than max(3, n1) members
 *       (or any such r2 when the cluster itself has fewer than 3).</li>
 * </ol>
 * With {@code groupThreshold <= 0} the list is returned unchanged.
 */
public final class RectGrouping {
    private RectGrouping() {}

    /** A grouped rectangle and the number of raw rectangles merged into it. */
    public record Group(Rect rect, int members) {}

    public static List<Rect> group(List<Rect> rects, int groupThreshold, double eps) {
        var out = new ArrayList<Rect>();
        for (var g : groupWithCounts(rects, groupThreshold, eps)) out.add(g.rect());
        return out;
    }

    public static List<Group> groupWithCounts(List<Rect> rects, int groupThreshold, double eps) {
        int n = rects.size();
        if (groupThreshold <= 0 || n == 0) {
            var out = new ArrayList<Group>(n);
            for (var r : rects) out.add(new Group(r, 1));
            return out;
        }
        int[] labels = new int[n];
        int classes = partition(rects, eps, labels);
        int[] sx = new int[classes], sy = new int[classes], sw = new int[classes], sh = new int[classes];
        int[] count = new int[classes];
        for (int i = 0; i < n; i++) {
            int c = labels[i];
            Rect r = rects.get(i);
            sx[c] += r.x();
            sy[c] += r.y();
            sw[c] += r.width();
            sh[c] += r.height();
            count[c]++;
        }
        var mean = new Rect[classes];
        for (int c = 0; c < classes; c++) {
            float s = 1f / count[c];
            mean[c] = new Rect(roundF(sx[c] * s), roundF(sy[c] * s), roundF(sw[c] * s), roundF(sh[c] * s));
        }
        var out = new ArrayList<Group>();
        for (int i = 0; i < classes; i++) {
            Rect r1 = mean[i];
            int n1 = count[i];
            if (n1 <= groupThreshold) continue;
            boolean inside = false;
            for (int j = 0; j < classes && !inside; j++) {
                int n2 = count[j];
                if (j == i || n2 <= groupThreshold) continue;
                Rect r2 = mean[j];
                int dx = (int) Math.rint(r2.width() * eps);
                int dy = (int) Math.rint(r2.height() * eps);
                inside = r1.x() >= r2.x() - dx && r1.y() >= r2.y() - dy
                        && r1.x() + r1.width() <= r2.x() + r2.width() + dx
                        && r1.y() + r1.height() <= r2.y() + r2.height() + dy
                        && (n2 > Math.max(3, n1) || n1 < 3);
            }
            if (!inside) out.add(new Group(r1, n1));
        }
        return out;
    }

    /** OpenCV's similarity predicate for rectangle grouping. */
    public static boolean similar(Rect a, Rect b, double eps) {
        double delta = eps * (Math.min(a.width(), b.width()) + Math.min(a.height(), b.height())) * 0.5;
        return Math.abs(a.x() - b.x()) <= delta && Math.abs(a.y() - b.y()) <= delta
                && Math.abs(a.x() + a.width() - b.x() - b.width()) <= delta
                && Math.abs(a.y() + a.height() - b.y() - b.height()) <= delta;
    }

    /** Connected components of the similarity relation; labels numbered by first member. Returns the count. */
    static int partition(List<Rect> rects, double eps, int[] labels) {
        int n = rects.size();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (!similar(rects.get(i), rects.get(j), eps)) continue;
                int a = find(parent, i), b = find(parent, j);
                if (a != b) parent[Math.max(a, b)] = Math.min(a, b);
            }
        }
        int[] id = new int[n];
        java.util.Arrays.fill(id, -1);
        int classes = 0;
        for (int i = 0; i < n; i++) {
            int root = find(parent, i);
            if (id[root] < 0) id[root] = classes++;
            labels[i] = id[root];
        }
        return classes;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** C's saturate_cast&lt;int&gt;(float): round half to even. */
    private static int roundF(float v) {
        return (int) Math.rint(v);
    }
}
