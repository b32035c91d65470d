package dev.classbase.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A grouped bar chart as a standalone SVG file: categories along x, one bar per series in each,
 * the value printed above each bar, a linear or a log10 y axis, and an optional dashed goal line.
 * Plain text, no dependency: the benchmark's plots are written where the docs link them
 * ({@code docs/bench/}) and render on GitHub and in any browser.
 */
final class SvgChart {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 420;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 50;
    private static final int BOTTOM = 90;
    private static final String[] COLORS = {"#4e79a7", "#e15759", "#f28e2b", "#59a14f", "#76b7b2"};

    record Series(String name, double[] values) {}

    private final String title;
    private final String unit;
    private final boolean log;
    private final List<String> categories;
    private final List<Series> series = new ArrayList<>();
    private Double goal;
    private String goalLabel;

    private SvgChart(String title, String unit, boolean log, List<String> categories) {
        this.title = title;
        this.unit = unit;
        this.log = log;
        this.categories = List.copyOf(categories);
    }

    static SvgChart bars(String title, String unit, boolean log, List<String> categories) {
        return new SvgChart(title, unit, log, categories);
    }

    SvgChart series(String name, double... values) {
        if (values.length != categories.size()) {
            throw new IllegalArgumentException(
                    name + ": " + values.length + " values for " + categories.size() + " categories");
        }
        series.add(new Series(name, values.clone()));
        return this;
    }

    SvgChart goal(double value, String label) {
        this.goal = value;
        this.goalLabel = label;
        return this;
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, svg(), StandardCharsets.UTF_8);
    }

    String svg() {
        double max = goal == null ? 0 : goal;
        double min = Double.MAX_VALUE;
        for (Series s : series) {
            for (double v : s.values()) {
                if (v > 0) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
        }
        if (goal != null && goal > 0) {
            min = Math.min(min, goal);
        }
        if (min == Double.MAX_VALUE) {
            min = 1;
            max = Math.max(max, 1);
        }
        double lo;
        double hi;
        List<Double> ticks = new ArrayList<>();
        if (log) {
            lo = Math.pow(10, Math.floor(Math.log10(min)));
            hi = Math.pow(10, Math.ceil(Math.log10(max * 1.2)));
            for (double t = lo; t <= hi * 1.0001; t *= 10) {
                ticks.add(t);
            }
        } else {
            lo = 0;
            double step = niceStep(max * 1.15 / 5);
            hi = Math.ceil(max * 1.15 / step) * step;
            for (double t = 0; t <= hi * 1.0001; t += step) {
                ticks.add(t);
            }
        }
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                        + " font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH,
                HEIGHT,
                WIDTH,
                HEIGHT));
        out.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        out.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                LEFT,
                escape(title)));
        for (double t : ticks) {
            double y = TOP + plotH - scale(t, lo, hi) * plotH;
            out.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444\">%s</text>%n",
                    LEFT,
                    y,
                    LEFT + plotW,
                    y,
                    LEFT - 6,
                    y + 4,
                    number(t)));
        }
        out.append(String.format(
                Locale.ROOT,
                "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\" fill=\"#444\">%s%s</text>%n",
                TOP + plotH / 2,
                escape(unit),
                log ? " (log scale)" : ""));
        int groups = categories.size();
        double groupW = (double) plotW / groups;
        double barW = groupW * 0.7 / Math.max(1, series.size());
        for (int g = 0; g < groups; g++) {
            double x0 = LEFT + g * groupW + groupW * 0.15;
            for (int s = 0; s < series.size(); s++) {
                double v = series.get(s).values()[g];
                double h = v > 0 ? scale(v, lo, hi) * plotH : 0;
                double x = x0 + s * barW;
                out.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n"
                                + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">%s</text>%n",
                        x,
                        TOP + plotH - h,
                        barW - 2,
                        h,
                        COLORS[s % COLORS.length],
                        x + (barW - 2) / 2,
                        TOP + plotH - h - 4,
                        number(v)));
            }
            out.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    LEFT + g * groupW + groupW / 2,
                    TOP + plotH + 18,
                    escape(categories.get(g))));
        }
        out.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                LEFT,
                TOP + plotH,
                LEFT + plotW,
                TOP + plotH));
        if (goal != null) {
            double y = TOP + plotH - scale(goal, lo, hi) * plotH;
            out.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\" stroke-dasharray=\"6 4\"/>%n"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#333\">%s</text>%n",
                    LEFT,
                    y,
                    LEFT + plotW,
                    y,
                    LEFT + plotW,
                    y - 5,
                    escape(goalLabel)));
        }
        int legendY = TOP + plotH + 44;
        int legendX = LEFT;
        for (int s = 0; s < series.size(); s++) {
            int width = 30 + 7 * series.get(s).name().length();
            if (legendX > LEFT && legendX + width > WIDTH - RIGHT) {
                legendX = LEFT;
                legendY += 18;
            }
            out.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                            + "<text x=\"%d\" y=\"%d\">%s</text>%n",
                    legendX,
                    legendY - 10,
                    COLORS[s % COLORS.length],
                    legendX + 16,
                    legendY,
                    escape(series.get(s).name())));
            legendX += width;
        }
        out.append("</svg>\n");
        return out.toString();
    }

    /** Where a value sits between the axis ends, 0 to 1. */
    private double scale(double v, double lo, double hi) {
        if (log) {
            return (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
        }
        return (v - lo) / (hi - lo);
    }

    /** 1, 2 or 5 times a power of ten. */
    private static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / magnitude;
        return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * magnitude;
    }

    static String number(double v) {
        if (v == 0) {
            return "0";
        }
        if (v >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", v / 1_000_000);
        }
        if (v >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", v / 1000);
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
