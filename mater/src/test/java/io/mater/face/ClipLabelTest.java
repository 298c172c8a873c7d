package io.mater.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClipLabelTest {
    @Test
    void cremadCodesMapToFerClasses() {
        var codes = List.of("ANG", "DIS", "FEA", "HAP", "NEU", "SAD");
        var fer = List.of("angry", "disgust", "fear", "happy", "neutral", "sad");
        for (int i = 0; i < codes.size(); i++) {
            var l = ClipLabel.of(Path.of("/data/VideoFlash/1001_DFA_" + codes.get(i) + "_XX.flv")).orElseThrow();
            assertEquals("CREMA-D", l.dataset());
            assertEquals(codes.get(i), l.code());
            assertEquals(Optional.of(fer.get(i)), l.fer());
            assertTrue(FaceNet.FER_CLASSES.contains(l.fer().get()));
        }
        assertEquals("happy", ClipLabel.of(Path.of("1091_IEO_HAP_HI.mp4")).orElseThrow().emotion());
    }

    @Test
    void ravdessCodesMapToFerClassesExceptCalm() {
        var emotion = List.of("neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised");
        var fer = List.of("neutral", "", "happy", "sad", "angry", "fear", "disgust", "surprise");
        for (int e = 1; e <= 8; e++) {
            var l = ClipLabel.of(Path.of(String.format("01-01-%02d-02-02-01-12.mp4", e))).orElseThrow();
            assertEquals("RAVDESS", l.dataset());
            assertEquals(emotion.get(e - 1), l.emotion());
            assertEquals(fer.get(e - 1).isEmpty() ? Optional.empty() : Optional.of(fer.get(e - 1)), l.fer());
        }
    }

    @Test
    void otherNamesHaveNoLabel() {
        for (String n : List.of("bbaf2n.mpg", "face_noface.mov", "1001_DFA_XYZ_XX.flv", "01-01-09-02-02-01-01.mp4", "01-01-07-02-02-01.mp4", "1001_DFA_ANG_XX"))
            assertEquals(Optional.empty(), ClipLabel.of(Path.of(n)), n);
    }
}
