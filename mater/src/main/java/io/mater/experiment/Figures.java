package io.mater.experiment;

import io.mater.plot.Charts;
import io.mater.train.TextFiles;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/**
 * Figure helpers of the experiments: fixed colours (A blue, V orange, AV green as in {@link Charts}; the
 * attention model solid, the baseline dashed), CSV written beside every figure, and heat maps.
 */
final class Figures {
    private Figures() {}

    static Color color(String stream) {
        return switch (stream) {
            case "a" -> Charts.AUDIO;
            case "v" -> Charts.VIDEO;
            case "av" -> Charts.AV;
            default -> Charts.OTHER;
        };
    }

    static String streamName(String stream) {
        return switch (stream) {
            case "a" -> "A";
            case "v" -> "V";
            case "av" -> "AV";
            default -> stream;
        };
    }

    /** A line series of stream s for the attention model (solid) or the baseline (dashed). */
    static Charts.Series series(String stream, String model, double[] y, double[] err) {
        return new Charts.Series(streamName(stream) + " " + model, y, err, model.equals("baseline"), color(stream));
    }

    /** CSV text with a header line; values formatted with Locale.ROOT. */
    static final class Csv {
        private final StringBuilder sb = new StringBuilder();

        Csv(String... header) {
            sb.append(String.join(",", header)).append('\n');
        }

        Csv row(Object... values) {
            var parts = new ArrayList<String>();
            for (Object v : values)
                parts.add(v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : v instanceof Float f ? String.format(Locale.ROOT, "%.6g", f) : String.valueOf(v));
            sb.append(String.join(",", parts)).append('\n');
            return this;
        }

        void write(Path file) throws IOException {
            TextFiles.writeAtomically(file, sb.toString());
        }
    }

    /** A heat map of values[row][col] (rows drawn top to bottom), white to dark blue from min to max. */
    static HeatMapChart heatmap(String title, String xLabel, String yLabel, List<String> cols, List<String> rows, double[][] values) {
        var chart = new HeatMapChartBuilder().width(Math.max(480, 60 * cols.size() + 200)).height(Math.max(400, 40 * rows.size() + 160))
                .title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setShowValue(cols.size() <= 16);
        st.setHeatMapValueDecimalPattern("0.00");
        st.setRangeColors(new Color[] {new Color(0xF7FBFF), new Color(0x6BAED6), new Color(0x08306B)});
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double[] r : values) for (double v : r) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        st.setMin(min);
        st.setMax(max > min ? max : min + 1e-9);
        var cells = new ArrayList<Number[]>();
        int nr = rows.size();
        for (int r = 0; r < nr; r++)
            for (int c = 0; c < cols.size(); c++) cells.add(new Number[] {c, nr - 1 - r, values[r][c]});
        var reversed = new ArrayList<>(rows);
        java.util.Collections.reverse(reversed);
        chart.addSeries(title, cols, reversed, cells);
        return chart;
    }

    static double[] range(int from, int to) {
        double[] x = new double[to - from + 1];
        for (int i = 0; i < x.length; i++) x[i] = from + i;
        return x;
    }
}
