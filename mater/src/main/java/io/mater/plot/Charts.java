package io.mater.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Figures through XChart, saved as PNG and SVG side by side (written to temporary names, then renamed).
 * Colours are fixed per stream: audio blue, video orange, audio-visual green; baselines are dashed.
 */
public final class Charts {
    private Charts() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    public static final Color AUDIO = new Color(0x1F77B4), VIDEO = new Color(0xFF7F0E), AV = new Color(0x2CA02C), OTHER = new Color(0x7F7F7F);

    /** The colour of a series by its name (A/V/AV or audio/video/av prefixes). */
    public static Color colorFor(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.startsWith("av") || n.startsWith("audio-visual") || n.startsWith("fused")) return AV;
        if (n.startsWith("a ") || n.equals("a") || n.startsWith("audio")) return AUDIO;
        if (n.startsWith("v ") || n.equals("v") || n.startsWith("video")) return VIDEO;
        return OTHER;
    }

    /** One series of a line chart: y values over the chart's x, optional error bars, dashed for baselines. */
    public record Series(String name, double[] y, double[] error, boolean dashed, Color color) {
        public Series(String name, double[] y) {
            this(name, y, null, false, colorFor(name));
        }
    }

    public static XYChart lines(String title, String xLabel, String yLabel, double[] x, List<Series> series) {
        XYChart chart = new XYChartBuilder().width(720).height(480).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        var st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridLinesVisible(true);
        st.setMarkerSize(5);
        st.setErrorBarsColorSeriesColor(true); // error bars in their series' colour, so overlaid models stay apart
        for (Series s : series) {
            XYSeries xy = s.error() == null ? chart.addSeries(s.name(), x, s.y()) : chart.addSeries(s.name(), x, s.y(), s.error());
            xy.setLineColor(s.color());
            xy.setMarkerColor(s.color());
            xy.setMarker(SeriesMarkers.CIRCLE);
            if (s.dashed())
                xy.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f));
        }
        return chart;
    }

    /** A confusion matrix (rows: true class, columns: predicted) as a heat map of row-normalised percentages. */
    public static HeatMapChart confusion(String title, List<String> classes, int[][] counts) {
        int c = classes.size();
        HeatMapChart chart = new HeatMapChartBuilder().width(640).height(600).title(title).xAxisTitle("predicted").yAxisTitle("true").build();
        var st = chart.getStyler();
        st.setShowValue(true);
        st.setChartBackgroundColor(Color.WHITE);
        st.setLegendVisible(false);
        st.setRangeColors(new Color[] {new Color(0xF7FBFF), new Color(0x6BAED6), new Color(0x08306B)});
        st.setHeatMapValueDecimalPattern("0");
        st.setMin(0);
        st.setMax(100);
        var cells = new java.util.ArrayList<Number[]>();
        for (int t = 0; t < c; t++) {
            int total = 0;
            for (int p = 0; p < c; p++) total += counts[t][p];
            for (int p = 0; p < c; p++)
                cells.add(new Number[] {p, c - 1 - t, total == 0 ? 0 : Math.round(100.0 * counts[t][p] / total)});
        }
        var reversed = new java.util.ArrayList<>(classes);
        java.util.Collections.reverse(reversed);
        chart.addSeries("percent of true class", classes, reversed, cells);
        return chart;
    }

    /** Bars per category for each named series (e.g. response-time histograms). */
    public static CategoryChart bars(String title, String xLabel, String yLabel, List<String> categories, Map<String, double[]> series) {
        return bars(title, xLabel, yLabel, categories, series, Map.of());
    }

    /**
     * Bars per category for each named series, with error bars (e.g. the std over folds) for the series that
     * have an entry in errors (same length as the series).
     */
    public static CategoryChart bars(String title, String xLabel, String yLabel, List<String> categories, Map<String, double[]> series,
            Map<String, double[]> errors) {
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(720, 48 * categories.size() + 160)).height(480).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        var st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setChartBackgroundColor(Color.WHITE);
        st.setOverlapped(false);
        st.setErrorBarsColor(Color.BLACK);
        if (categories.size() > 8) st.setXAxisLabelRotation(45);
        series.forEach((name, y) -> {
            double[] err = errors.get(name);
            if (err != null && err.length != y.length)
                throw new IllegalArgumentException("series '" + name + "': " + y.length + " values but " + err.length + " error bars");
            var list = new java.util.ArrayList<Double>();
            for (double v : y) list.add(v);
            org.knowm.xchart.CategorySeries cs;
            if (err == null) cs = chart.addSeries(name, categories, list);
            else {
                var e = new java.util.ArrayList<Double>();
                for (double v : err) e.add(v);
                cs = chart.addSeries(name, categories, list, e);
            }
            cs.setFillColor(colorFor(name));
        });
        return chart;
    }

    /** Writes base.png and base.svg atomically. */
    public static void save(Chart<?, ?> chart, Path base) throws IOException {
        Path dir = base.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String name = base.getFileName().toString();
        Path tmpPng = dir.resolve("." + name + ".tmp.png"), tmpSvg = dir.resolve("." + name + ".tmp.svg");
        try {
            BitmapEncoder.saveBitmapWithDPI(chart, tmpPng.toString(), BitmapEncoder.BitmapFormat.PNG, 110);
            VectorGraphicsEncoder.saveVectorGraphic(chart, tmpSvg.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            Files.move(tmpPng, dir.resolve(name + ".png"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmpSvg, dir.resolve(name + ".svg"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmpPng);
            Files.deleteIfExists(tmpSvg);
        }
    }
}
