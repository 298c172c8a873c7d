package io.mater.experiment;

import java.util.Map;

/**
 * Numbers quoted from Ghaleb, Niehues &amp; Asteriadis (2022), doi 10.1007/s11042-022-13557-w, for the side-by-side
 * columns and the reading lines of the report. Only values read in the paper's text go here, each with where
 * it stands in the paper; nothing is guessed.
 *
 * <p>What we could read: the abstract and the introduction (the stored copies of the Springer page and of a
 * mirror of it). Table 1's per-row values (A, V, AV accuracy, entropies) and the numbers of Sections 5 and 6
 * (noise, incremental perception) were NOT in that text, so {@link #TABLE1} is empty and every table and
 * reading line says "not transcribed" ({@link #NT}) where a paper value would go. To fill Table 1, add one
 * entry per row with key {@link #key} and a comment naming the table row.
 */
final class PaperNumbers {
    private PaperNumbers() {}

    /** What a missing paper value reads as in tables and reading lines. */
    static final String NT = "n/t";

    static final String NOTE = "n/t = not transcribed: the paper's Table 1 values were not in the text we could read "
            + "(abstract and introduction only); see PaperNumbers.java";

    /** One row of the paper's Table 1: accuracies in %, entropies as printed there; any value may be null (not transcribed). */
    record Table1Row(Double accA, Double accV, Double accAv, Double entropyA, Double entropyV, Double entropyDiff) {}

    /** Table 1 per row, key "kind/mhsa/T/pe" (e.g. "ravdess/true/8/true"). Empty: not transcribed (see the class comment). */
    static final Map<String, Table1Row> TABLE1 = Map.of();

    static String key(String kind, boolean mhsa, int t, boolean pe) {
        return kind + "/" + mhsa + "/" + t + "/" + pe;
    }

    /** The paper's Table 1 row, or null when it is not transcribed (or the data is neither RAVDESS- nor CREMA-D-shaped). */
    static Table1Row table1(String kind, boolean mhsa, int t, boolean pe) {
        return TABLE1.get(key(kind, mhsa, t, pe));
    }

    /** AV accuracy (%) of a Table 1 row, or null. */
    static Double table1Av(String kind, boolean mhsa, int t, boolean pe) {
        var r = table1(kind, mhsa, t, pe);
        return r == null ? null : r.accAv();
    }

    /**
     * Abstract: "The proposed method improves the results over baseline methods by at least 5.4%." (the unit,
     * percentage points or relative, is not stated there; it covers both datasets).
     */
    static final double MIN_GAIN_OVER_BASELINE = 5.4;

    /** Abstract (qualitative, no number): attention reduces the gap between the entropies of the unimodal predictions. */
    static final String ENTROPY_CLAIM = "attention mechanisms reduce the gap between the entropies of unimodal predictions (abstract)";

    /**
     * Human mean response times in seconds for A, V, AV (RAVDESS 1.55/1.31/1.32, CREMA-D 2.98/2.05/1.95), as
     * quoted from the paper's Section 6.2 in issue 11; not re-read in the paper's text here (Section 6.2 was not
     * in the text we could read). Null for other data.
     */
    static double[] humanResponseSeconds(String kind) {
        return switch (kind) {
            case "ravdess" -> new double[] {1.55, 1.31, 1.32};
            case "cremad" -> new double[] {2.98, 2.05, 1.95};
            default -> null;
        };
    }

    /** A paper value formatted with the given decimals, or {@link #NT}. */
    static String format(Double v, int decimals) {
        return v == null ? NT : String.format(java.util.Locale.ROOT, "%." + decimals + "f", v);
    }
}
