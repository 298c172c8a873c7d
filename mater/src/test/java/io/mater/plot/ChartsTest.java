package io.mater.plot;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
    @TempDir
    Path tmp;

    @Test
    void streamColoursAreFixed() {
        assertEquals(Charts.AUDIO, Charts.colorFor("A accuracy (%)"));
        assertEquals(Charts.VIDEO, Charts.colorFor("V accuracy (%)"));
        assertEquals(Charts.AV, Charts.colorFor("AV accuracy (%)"));
        assertEquals(Charts.AUDIO, Charts.colorFor("A"));
        assertEquals(Charts.AV, Charts.colorFor("AV"));
        assertEquals(Charts.OTHER, Charts.colorFor("A-V attention".substring(4)));
    }

    @Test
    void barsCarryTheirErrorBarsAndColours() throws Exception {
        var series = new LinkedHashMap<String, double[]>();
        series.put("A accuracy (%)", new double[] {50, 60});
        series.put("AV accuracy (%)", new double[] {70, 80});
        var chart = Charts.bars("t", "configuration", "accuracy (%)", List.of("x", "y"), series, Map.of("AV accuracy (%)", new double[] {1.5, 2.5}));
        var av = chart.getSeriesMap().get("AV accuracy (%)");
        assertEquals(List.of(1.5, 2.5), new ArrayList<>(av.getExtraValues()), "std over folds as error bars");
        assertEquals(Charts.AV, av.getFillColor());
        assertNull(chart.getSeriesMap().get("A accuracy (%)").getExtraValues(), "no error bars where none are given");
        assertEquals("configuration", chart.getXAxisTitle());
        assertEquals("accuracy (%)", chart.getYAxisTitle());

        Charts.save(chart, tmp.resolve("bars"));
        assertTrue(Files.size(tmp.resolve("bars.png")) > 0 && Files.size(tmp.resolve("bars.svg")) > 0);
        try (var files = Files.list(tmp)) {
            assertEquals(2, files.count(), "no temporary files left");
        }
    }

    @Test
    void errorBarsOfTheWrongLengthAreRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Charts.bars("t", "x", "y", List.of("a", "b"), Map.of("V", new double[] {1, 2}), Map.of("V", new double[] {1})));
        assertTrue(e.getMessage().contains("'V'") && e.getMessage().contains("2 values but 1 error bars"), e.getMessage());
    }

    @Test
    void baselineLinesAreDashedInTheStreamColour() {
        var s = new Charts.Series("V baseline", new double[] {1, 2}, new double[] {0.1, 0.2}, true, Charts.VIDEO);
        var chart = Charts.lines("t", "noisy windows n", "accuracy (%)", new double[] {0, 1}, List.of(s));
        var xy = chart.getSeriesMap().get("V baseline");
        assertEquals(Charts.VIDEO, xy.getLineColor());
        assertNotNull(xy.getLineStyle().getDashArray(), "dashed");
        assertArrayEquals(new double[] {0.1, 0.2}, xy.getExtraValues());
        assertTrue(chart.getStyler().isErrorBarsColorSeriesColor(), "error bars in the series colour");
    }
}
