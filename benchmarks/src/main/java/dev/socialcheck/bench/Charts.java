package dev.socialcheck.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG plots of a run, written with JFreeChart (headless). */
final class Charts {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 560;

  /** Colours that stay apart on white and in grey. */
  private static final List<Color> COLORS =
      List.of(
          new Color(0xD62728),
          new Color(0x1F77B4),
          new Color(0x2CA02C),
          new Color(0x000000),
          new Color(0xFF7F0E),
          new Color(0x9467BD));

  private Charts() {}

  /** Base-10 log axis with plain numbers as tick labels (1, 10, 100, 1000 rather than 10^2). */
  private static LogAxis logAxis(String label) {
    LogAxis axis = new LogAxis(label);
    axis.setBase(10);
    axis.setSmallestValue(1e-3);
    axis.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
    axis.setTickUnit(new NumberTickUnit(1.0)); // One tick per decade.
    axis.setMinorTickCount(9);
    axis.setMinorTickMarksVisible(true);
    return axis;
  }

  /** A named line of (x, y) points. */
  record Line(String name, List<double[]> points, boolean showShapes) {}

  /** Lines with a log-scale x axis (and optionally log-scale y). */
  static void lines(
      Path file, String title, String xLabel, String yLabel, List<Line> lines, boolean logY)
      throws IOException {
    JFreeChart chart = lineChart(title, xLabel, yLabel, lines);
    XYPlot plot = chart.getXYPlot();
    plot.setDomainAxis(logAxis(xLabel));
    if (logY) {
      plot.setRangeAxis(logAxis(yLabel));
    }
    XYLineAndShapeRenderer renderer = renderer(lines);
    plot.setRenderer(renderer);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /** Lines with a linear x axis; series with shapes are points only (unless alone). */
  static void linearLines(Path file, String title, String xLabel, String yLabel, List<Line> lines)
      throws IOException {
    JFreeChart chart = lineChart(title, xLabel, yLabel, lines);
    // Zoom on the data: the differences that matter are small against the distance to zero.
    ((NumberAxis) chart.getXYPlot().getRangeAxis()).setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer renderer = renderer(lines);
    for (int i = 0; i < lines.size(); i++) {
      renderer.setSeriesLinesVisible(i, !lines.get(i).showShapes() || lines.size() == 1);
    }
    chart.getXYPlot().setRenderer(renderer);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /** An XY line chart of {@code lines} on a white, gridded plot. */
  private static JFreeChart lineChart(
      String title, String xLabel, String yLabel, List<Line> lines) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Line line : lines) {
      XYSeries series = new XYSeries(line.name(), false, true);
      for (double[] p : line.points()) {
        series.add(p[0], p[1]);
      }
      data.addSeries(series);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return chart;
  }

  /** Shapes as each line asks, a 2 px stroke and the palette's colour per series. */
  private static XYLineAndShapeRenderer renderer(List<Line> lines) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    for (int i = 0; i < lines.size(); i++) {
      renderer.setSeriesShapesVisible(i, lines.get(i).showShapes());
      renderer.setSeriesStroke(i, new BasicStroke(2f));
      renderer.setSeriesPaint(i, COLORS.get(i % COLORS.size()));
    }
    return renderer;
  }

  /** One panel of {@link #stacked}: its y axis and lines. */
  record Panel(String yLabel, List<Line> lines) {}

  /**
   * Panels stacked over one shared linear x axis; lines without shapes are dashed (models). A
   * vertical marker labelled {@code markerLabel} is drawn at {@code markerX} unless it is NaN.
   */
  static void stacked(
      Path file,
      String title,
      String xLabel,
      List<Panel> panels,
      double markerX,
      String markerLabel)
      throws IOException {
    CombinedDomainXYPlot combined = new CombinedDomainXYPlot(new NumberAxis(xLabel));
    combined.setGap(12);
    int colour = 0;
    for (Panel panel : panels) {
      XYSeriesCollection data = new XYSeriesCollection();
      XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
      for (int i = 0; i < panel.lines().size(); i++) {
        Line line = panel.lines().get(i);
        XYSeries series = new XYSeries(line.name(), false, true);
        for (double[] p : line.points()) {
          series.add(p[0], p[1]);
        }
        data.addSeries(series);
        renderer.setSeriesShapesVisible(i, line.showShapes());
        renderer.setSeriesStroke(
            i,
            line.showShapes()
                ? new BasicStroke(2f)
                : new BasicStroke(
                    2f,
                    BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER,
                    10f,
                    new float[] {8f, 5f},
                    0f));
        renderer.setSeriesPaint(i, COLORS.get(colour++ % COLORS.size()));
      }
      NumberAxis y = new NumberAxis(panel.yLabel());
      y.setAutoRangeIncludesZero(true);
      XYPlot plot = new XYPlot(data, null, y, renderer);
      plot.setBackgroundPaint(Color.WHITE);
      plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
      plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
      if (!Double.isNaN(markerX)) {
        ValueMarker marker = new ValueMarker(markerX, Color.GRAY, new BasicStroke(1f));
        marker.setLabel(markerLabel);
        marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        plot.addDomainMarker(marker);
      }
      combined.add(plot, 1);
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, combined, true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT + 140);
  }

  /** Cumulative distribution (x: latency in ms, log scale; y: share of calls at or below). */
  static void cdf(Path file, String title, Map<String, Histogram> nanos) throws IOException {
    Map<String, Line> lines = new LinkedHashMap<>();
    for (Map.Entry<String, Histogram> e : nanos.entrySet()) {
      Histogram h = e.getValue();
      List<double[]> points = new java.util.ArrayList<>();
      long total = h.getTotalCount();
      for (HistogramIterationValue v : h.recordedValues()) {
        points.add(
            new double[] {
              h.highestEquivalentValue(v.getValueIteratedTo()) / 1e6,
              v.getTotalCountToThisValue() / (double) total
            });
      }
      lines.put(e.getKey(), new Line(e.getKey(), points, false));
    }
    lines(
        file,
        title,
        "latency (ms, log scale)",
        "share of calls",
        List.copyOf(lines.values()),
        false);
  }
}
