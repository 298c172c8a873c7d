package io.mater.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class FoldsTest {
    @Test
    void ravdessShapedSplitIsSubjectDisjointAndBalanced() {
        var d = Synthetic.generate(Synthetic.Preset.RAVDESS, 1);
        var folds = Folds.subjectDisjoint(d.subjects(), 12);
        assertEquals(12, folds.size());
        var seenTest = new HashSet<Integer>();
        for (var f : folds) {
            assertEquals(2, f.testSubjects().length, "equal number of subjects per fold");
            assertEquals(120, f.test().length);
            assertEquals(1320, f.train().length);
            var testSubjects = new HashSet<Integer>();
            for (int i : f.test()) testSubjects.add(d.subjects()[i]);
            for (int i : f.train()) assertTrue(!testSubjects.contains(d.subjects()[i]), "subject in both train and test");
            for (int s : f.testSubjects()) assertTrue(seenTest.add(s), "subject tested twice");
        }
        assertEquals(24, seenTest.size());
        assertArrayEquals(new int[] {1, 2}, folds.get(0).testSubjects());
    }

    @Test
    void unevenSubjectCountsDifferByAtMostOne() {
        int[] subjects = new int[91 * 3];
        for (int i = 0; i < subjects.length; i++) subjects[i] = 1001 + i / 3;
        var folds = Folds.subjectDisjoint(subjects, 10);
        int[] sizes = folds.stream().mapToInt(f -> f.testSubjects().length).toArray();
        assertEquals(91, Arrays.stream(sizes).sum());
        assertTrue(Arrays.stream(sizes).max().getAsInt() - Arrays.stream(sizes).min().getAsInt() <= 1, Arrays.toString(sizes));
    }

    @Test
    void fewerSubjectsThanFoldsIsAnError() {
        var e = assertThrows(IllegalArgumentException.class, () -> Folds.subjectDisjoint(new int[] {1, 1, 2, 3}, 4));
        assertTrue(e.getMessage().contains("3 subjects"), e.getMessage());
    }
}
