package io.mater.vision;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A boosted cascade of Haar-feature decision trees, read from OpenCV's XML cascade format (the one written by
 * {@code opencv_traincascade}: {@code <cascade>} with stages / weakClassifiers / internalNodes / leafValues
 * and features / rects). Only upright (non-tilted) HAAR features with ordered splits are supported; the
 * older {@code opencv-haar-classifier} format and LBP cascades are rejected with a clear message.
 *
 * <p>Numbers are parsed as OpenCV's FileStorage does (as double, then narrowed to float), and each stage
 * threshold is lowered by 1e-5f as OpenCV's loader does.
 */
public final class HaarCascade {
    /** Where Debian's {@code opencv-data} package installs the frontal face cascade. */
    public static final Path FRONTAL_FACE_DEFAULT =
            Path.of("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml");

    /** Lowering of every stage threshold applied by OpenCV's cascade loader. */
    static final float THRESHOLD_EPS = 1e-5f;

    /** A Haar feature: up to three weighted rectangles inside the base window. */
    public record Feature(Rect[] rects, float[] weights) {}

    /** One stage: trees [firstTree, firstTree + treeCount) must sum to at least threshold. */
    public record Stage(int firstTree, int treeCount, float threshold) {}

    private final int windowWidth, windowHeight;
    private final Feature[] features;
    private final Stage[] stages;
    // Trees, flattened: tree t has nodes [nodeStart[t], nodeStart[t+1]) and leaves [leafStart[t], ...).
    private final int[] nodeStart, leafStart;
    private final int[] nodeFeature, nodeLeft, nodeRight;
    private final float[] nodeThreshold, leaves;
    private final String source;

    private HaarCascade(String source, int windowWidth, int windowHeight, Feature[] features, Stage[] stages,
                        int[] nodeStart, int[] leafStart, int[] nodeFeature, int[] nodeLeft, int[] nodeRight,
                        float[] nodeThreshold, float[] leaves) {
        this.source = source;
        this.windowWidth = windowWidth;
        this.windowHeight = windowHeight;
        this.features = features;
        this.stages = stages;
        this.nodeStart = nodeStart;
        this.leafStart = leafStart;
        this.nodeFeature = nodeFeature;
        this.nodeLeft = nodeLeft;
        this.nodeRight = nodeRight;
        this.nodeThreshold = nodeThreshold;
        this.leaves = leaves;
    }

    /**
     * The frontal face cascade: from {@code -Dmater.haarcascade=PATH} if set, else {@link #FRONTAL_FACE_DEFAULT}.
     */
    public static HaarCascade frontalFace() throws IOException {
        String prop = System.getProperty("mater.haarcascade");
        Path path = prop != null && !prop.isBlank() ? Path.of(prop) : FRONTAL_FACE_DEFAULT;
        if (!Files.isRegularFile(path)) {
            throw new IOException("Haar cascade not found: " + path + " (install Debian's opencv-data package, or set "
                    + "-Dmater.haarcascade=PATH to haarcascade_frontalface_default.xml)");
        }
        return load(path);
    }

    public static HaarCascade load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("Haar cascade not found: " + file);
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        }
    }

    /** Parses a cascade; {@code name} is used in error messages. */
    public static HaarCascade parse(InputStream in, String name) throws IOException {
        Element root;
        try {
            var f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            root = f.newDocumentBuilder().parse(in).getDocumentElement();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("cannot parse Haar cascade XML " + name + ": " + e.getMessage(), e);
        }
        try {
            return fromXml(root, name);
        } catch (RuntimeException e) {
            throw new IOException("malformed Haar cascade " + name + ": " + e.getMessage(), e);
        }
    }

    private static HaarCascade fromXml(Element storage, String name) throws IOException {
        Element cascade = firstElement(storage);
        if (cascade == null || !"opencv-cascade-classifier".equals(cascade.getAttribute("type_id"))) {
            throw new IOException("Haar cascade " + name + " is not in OpenCV's new cascade format "
                    + "(expected <cascade type_id=\"opencv-cascade-classifier\">; old-format cascades are not supported)");
        }
        String stageType = text(child(cascade, "stageType"));
        String featureType = text(child(cascade, "featureType"));
        if (!"BOOST".equals(stageType) || !"HAAR".equals(featureType)) {
            throw new IOException("cascade " + name + " has stageType " + stageType + " and featureType " + featureType
                    + "; only BOOST cascades of HAAR features are supported");
        }
        int ww = Integer.parseInt(text(child(cascade, "width")));
        int wh = Integer.parseInt(text(child(cascade, "height")));
        if (ww <= 2 || wh <= 2) throw new IOException("cascade " + name + " has window " + ww + "x" + wh);
        Element featureParams = child(cascade, "featureParams");
        Element maxCat = optionalChild(featureParams, "maxCatCount");
        if (maxCat != null && Integer.parseInt(text(maxCat)) != 0) {
            throw new IOException("cascade " + name + " uses categorical splits (maxCatCount > 0); not supported");
        }

        var stages = new ArrayList<Stage>();
        var nodeStart = new IntList();
        var leafStart = new IntList();
        var nodeFeature = new IntList();
        var nodeLeft = new IntList();
        var nodeRight = new IntList();
        var nodeThreshold = new FloatList();
        var leaves = new FloatList();
        int trees = 0;
        for (Element st : items(child(cascade, "stages"))) {
            float thr = (float) Double.parseDouble(text(child(st, "stageThreshold"))) - THRESHOLD_EPS;
            List<Element> weak = items(child(st, "weakClassifiers"));
            if (weak.isEmpty()) throw new IOException("cascade " + name + ": stage " + stages.size() + " has no trees");
            stages.add(new Stage(trees, weak.size(), thr));
            for (Element w : weak) {
                String[] nodes = numbers(child(w, "internalNodes"));
                String[] lv = numbers(child(w, "leafValues"));
                if (nodes.length == 0 || nodes.length % 4 != 0) {
                    throw new IOException("cascade " + name + ": internalNodes must hold groups of 4 numbers, got "
                            + nodes.length);
                }
                int n = nodes.length / 4;
                if (lv.length != n + 1) {
                    throw new IOException("cascade " + name + ": a tree with " + n + " nodes needs " + (n + 1)
                            + " leaves, got " + lv.length);
                }
                nodeStart.add(nodeFeature.size());
                leafStart.add(leaves.size());
                for (int i = 0; i < n; i++) {
                    int left = Integer.parseInt(nodes[4 * i]), right = Integer.parseInt(nodes[4 * i + 1]);
                    for (int c : new int[] {left, right}) {
                        // A child > 0 is a later node of the same tree; <= 0 is leaf -c.
                        if (c > 0 ? c <= i || c >= n : -c > n) {
                            throw new IOException("cascade " + name + ": tree node " + i + " has child " + c
                                    + " outside its " + n + "-node tree");
                        }
                    }
                    nodeLeft.add(left);
                    nodeRight.add(right);
                    nodeFeature.add(Integer.parseInt(nodes[4 * i + 2]));
                    nodeThreshold.add((float) Double.parseDouble(nodes[4 * i + 3]));
                }
                for (String v : lv) leaves.add((float) Double.parseDouble(v));
                trees++;
            }
        }
        if (stages.isEmpty()) throw new IOException("cascade " + name + " has no stages");
        nodeStart.add(nodeFeature.size());
        leafStart.add(leaves.size());

        var features = new ArrayList<Feature>();
        for (Element fe : items(child(cascade, "features"))) {
            Element tilted = optionalChild(fe, "tilted");
            if (tilted != null && Integer.parseInt(text(tilted)) != 0) {
                throw new IOException("cascade " + name + " uses tilted Haar features; not supported");
            }
            List<Element> rs = items(child(fe, "rects"));
            if (rs.isEmpty() || rs.size() > 3) {
                throw new IOException("cascade " + name + ": a feature needs 1 to 3 rects, got " + rs.size());
            }
            var rects = new Rect[rs.size()];
            var weights = new float[rs.size()];
            for (int i = 0; i < rects.length; i++) {
                String[] v = numbers(rs.get(i));
                if (v.length != 5) throw new IOException("cascade " + name + ": a rect needs 5 numbers, got " + v.length);
                var r = new Rect(Integer.parseInt(v[0]), Integer.parseInt(v[1]), Integer.parseInt(v[2]), Integer.parseInt(v[3]));
                if (r.x() < 0 || r.y() < 0 || r.x() + r.width() > ww || r.y() + r.height() > wh) {
                    throw new IOException("cascade " + name + ": feature rect " + r + " lies outside the " + ww + "x" + wh + " window");
                }
                rects[i] = r;
                weights[i] = (float) Double.parseDouble(v[4]);
            }
            features.add(new Feature(rects, weights));
        }
        int[] nf = nodeFeature.toArray();
        for (int f : nf) {
            if (f < 0 || f >= features.size()) {
                throw new IOException("cascade " + name + ": node refers to feature " + f + " of " + features.size());
            }
        }
        return new HaarCascade(name, ww, wh, features.toArray(Feature[]::new), stages.toArray(Stage[]::new),
                nodeStart.toArray(), leafStart.toArray(), nf, nodeLeft.toArray(), nodeRight.toArray(),
                nodeThreshold.toArray(), leaves.toArray());
    }

    public int windowWidth() {
        return windowWidth;
    }

    public int windowHeight() {
        return windowHeight;
    }

    public int stageCount() {
        return stages.length;
    }

    public int treeCount() {
        return nodeStart.length - 1;
    }

    public int featureCount() {
        return features.length;
    }

    public Stage stage(int i) {
        return stages[i];
    }

    public Feature feature(int i) {
        return features[i];
    }

    /** Whether every tree is a single split (a stump), as in OpenCV's stock face cascades. */
    public boolean isStumps() {
        for (int t = 0; t < treeCount(); t++) if (nodeStart[t + 1] - nodeStart[t] != 1) return false;
        return true;
    }

    int nodeStart(int tree) {
        return nodeStart[tree];
    }

    int leafStart(int tree) {
        return leafStart[tree];
    }

    int nodeFeature(int node) {
        return nodeFeature[node];
    }

    int nodeLeft(int node) {
        return nodeLeft[node];
    }

    int nodeRight(int node) {
        return nodeRight[node];
    }

    float nodeThreshold(int node) {
        return nodeThreshold[node];
    }

    float leaf(int i) {
        return leaves[i];
    }

    @Override
    public String toString() {
        return "HaarCascade[" + source + ", window " + windowWidth + "x" + windowHeight + ", " + stages.length
                + " stages, " + treeCount() + " trees, " + features.length + " features]";
    }

    // --- XML helpers ---

    private static Element firstElement(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) return e;
        }
        return null;
    }

    private static Element optionalChild(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) return e;
        }
        return null;
    }

    private static Element child(Element parent, String tag) {
        Element e = optionalChild(parent, tag);
        if (e == null) throw new IllegalArgumentException("<" + parent.getTagName() + "> has no <" + tag + ">");
        return e;
    }

    private static List<Element> items(Element parent) {
        var out = new ArrayList<Element>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("_")) out.add(e);
        }
        return out;
    }

    private static String text(Element e) {
        return e.getTextContent().trim();
    }

    private static String[] numbers(Element e) {
        String t = text(e);
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    private static final class IntList {
        private int[] a = new int[256];
        private int n;

        void add(int v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, 2 * n);
            a[n++] = v;
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    private static final class FloatList {
        private float[] a = new float[256];
        private int n;

        void add(float v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, 2 * n);
            a[n++] = v;
        }

        int size() {
            return n;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
