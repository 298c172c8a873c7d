package io.mater.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Subject-disjoint k-fold cross-validation (paper Section 4.1): the distinct subjects, in increasing order,
 * are cut into k contiguous groups whose sizes differ by at most one; fold i tests on group i and trains on
 * the rest, so no subject is ever in both.
 */
public final class Folds {
    private Folds() {}

    /** One fold: the subjects held out, and the clip indices of the training and test sets. */
    public record Fold(int index, int[] testSubjects, int[] train, int[] test) {}

    public static List<Fold> subjectDisjoint(int[] subjects, int k) {
        int[] distinct = Arrays.stream(subjects).distinct().sorted().toArray();
        if (k < 2) throw new IllegalArgumentException("cross-validation needs at least 2 folds, got " + k);
        if (distinct.length < k)
            throw new IllegalArgumentException("cannot make " + k + " subject-disjoint folds from " + distinct.length + " subjects; use --folds " + distinct.length + " or fewer");
        var folds = new ArrayList<Fold>();
        for (int f = 0; f < k; f++) {
            int from = (int) ((long) distinct.length * f / k), to = (int) ((long) distinct.length * (f + 1) / k);
            int[] held = Arrays.copyOfRange(distinct, from, to);
            var train = new ArrayList<Integer>();
            var test = new ArrayList<Integer>();
            for (int i = 0; i < subjects.length; i++) (Arrays.binarySearch(held, subjects[i]) >= 0 ? test : train).add(i);
            folds.add(new Fold(f, held, train.stream().mapToInt(Integer::intValue).toArray(), test.stream().mapToInt(Integer::intValue).toArray()));
        }
        return folds;
    }
}
