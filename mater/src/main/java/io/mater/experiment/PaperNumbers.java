package io.mater.experiment;

import java.util.Map;

/**
 * Numbers quoted from Ghaleb, Niehues & Asteriadis (2022) for side-by-side columns.
 *
 * <p>The human response times (Section 6.2) are the ones the paper quotes. Table 1's per-row accuracies are
 * NOT transcribed here: we did not have a reliable copy of the table while writing this, and we will not
 * invent numbers. Fill {@link #TABLE1_AV} from the paper (key "kind/mhsa/T/pe", AV accuracy in %) and the
 * 'paper' column of table1.md fills itself; until then it shows "n/t" (not transcribed).
 */
final class PaperNumbers {
    private PaperNumbers() {}

    static final String NOTE = "n/t = not transcribed: the paper's per-row numbers are not filled in yet, see PaperNumbers.java";

    /** AV accuracy (%) per Table 1 row, e.g. "ravdess/true/8/true". Empty on purpose (see the class comment). */
    static final Map<String, Double> TABLE1_AV = Map.of();

    static Double table1Av(String kind, boolean mhsa, int t, boolean pe) {
        return TABLE1_AV.get(kind + "/" + mhsa + "/" + t + "/" + pe);
    }

    /** Human mean response times in seconds for A, V, AV (RAVDESS 1.55/1.31/1.32, CREMA-D 2.98/2.05/1.95); null otherwise. */
    static double[] humanResponseSeconds(String kind) {
        return switch (kind) {
            case "ravdess" -> new double[] {1.55, 1.31, 1.32};
            case "cremad" -> new double[] {2.98, 2.05, 1.95};
            default -> null;
        };
    }
}
