package io.mater.train;

import io.mater.engine.Tensor;

/**
 * The paper's measures (Sections 4.1-4.2): accuracy, confusion matrix, the entropy of a predictive
 * distribution, the KL divergence between the two branches' distributions, and the entropy of a hidden
 * state's softmax-normalised d-dimensional embedding (Eq. 6). Entropies are in nats.
 */
public final class Metrics {
    private Metrics() {}

    /** Index of the largest logit in each row of logits [N, C]. */
    public static int[] argmax(Tensor logits) {
        return argmax(logits.toArray(), logits.size(1));
    }

    /** Index of the largest value in each row of d, row-major [N, c]. */
    public static int[] argmax(float[] d, int c) {
        int n = d.length / c;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) if (d[i * c + j] > d[i * c + best]) best = j;
            out[i] = best;
        }
        return out;
    }

    public static double accuracy(int[] predicted, int[] labels) {
        if (predicted.length != labels.length) throw new IllegalArgumentException(predicted.length + " predictions for " + labels.length + " labels");
        if (labels.length == 0) return Double.NaN;
        int ok = 0;
        for (int i = 0; i < labels.length; i++) if (predicted[i] == labels[i]) ok++;
        return (double) ok / labels.length;
    }

    /** counts[true class][predicted class]. */
    public static int[][] confusion(int[] predicted, int[] labels, int classes) {
        int[][] m = new int[classes][classes];
        for (int i = 0; i < labels.length; i++) m[labels[i]][predicted[i]]++;
        return m;
    }

    /** Row-wise softmax of logits [N, C], in double. */
    public static double[][] softmax(Tensor logits) {
        int n = logits.size(0), c = logits.size(1);
        float[] d = logits.toArray();
        double[][] p = new double[n][c];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) max = Math.max(max, d[i * c + j]);
            double s = 0;
            for (int j = 0; j < c; j++) s += p[i][j] = Math.exp(d[i * c + j] - max);
            for (int j = 0; j < c; j++) p[i][j] /= s;
        }
        return p;
    }

    /** -sum p ln p of one distribution (0 ln 0 = 0). */
    public static double entropy(double[] p) {
        double h = 0;
        for (double v : p) if (v > 0) h -= v * Math.log(v);
        return h;
    }

    /** Mean entropy of the rows. */
    public static double meanEntropy(double[][] p) {
        double s = 0;
        for (double[] row : p) s += entropy(row);
        return p.length == 0 ? Double.NaN : s / p.length;
    }

    /** Mean over rows of KL(p || q) = sum p ln(p / q), with q floored at 1e-12. */
    public static double meanKl(double[][] p, double[][] q) {
        double s = 0;
        for (int i = 0; i < p.length; i++)
            for (int j = 0; j < p[i].length; j++)
                if (p[i][j] > 0) s += p[i][j] * Math.log(p[i][j] / Math.max(q[i][j], 1e-12));
        return p.length == 0 ? Double.NaN : s / p.length;
    }

    /**
     * Eq. 6: the mean, over clips and windows, of the entropy of softmax(h) for each window's hidden state
     * h in hidden [B, T, d].
     */
    public static double embeddingEntropy(Tensor hidden) {
        int d = hidden.size(-1);
        float[] x = hidden.contiguous().toArray();
        int rows = x.length / d;
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < d; j++) max = Math.max(max, x[r * d + j]);
            double s = 0, weighted = 0;
            for (int j = 0; j < d; j++) {
                double z = x[r * d + j] - max, e = Math.exp(z);
                s += e;
                weighted += e * z;
            }
            // H = log s - E[z] under p = e^z / s
            total += Math.log(s) - weighted / s;
        }
        return rows == 0 ? Double.NaN : total / rows;
    }

    /** Mean and sample standard deviation (n - 1; 0 for a single value). */
    public record MeanStd(double mean, double std) {
        public static MeanStd of(double[] v) {
            if (v.length == 0) return new MeanStd(Double.NaN, Double.NaN);
            double m = 0;
            for (double x : v) m += x;
            m /= v.length;
            double s = 0;
            for (double x : v) s += (x - m) * (x - m);
            return new MeanStd(m, v.length > 1 ? Math.sqrt(s / (v.length - 1)) : 0);
        }

        /** "mean ± std" with the given decimals, scaled by factor (100 for percentages). */
        public String format(double factor, int decimals) {
            return String.format(java.util.Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", mean * factor, std * factor);
        }
    }
}
