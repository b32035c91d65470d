package dev.classbase.bench;

import java.util.List;

/** Milliseconds of repeated runs: median and 99th percentile (nearest rank), and how many runs. */
record AnalyticsTimings(double p50Ms, double p99Ms, int runs) {

    static AnalyticsTimings of(List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        // nearest rank: the smallest value with at least 99 % of the runs at or below it
        double p99 = sorted.get((int) Math.ceil(0.99 * n) - 1);
        return new AnalyticsTimings(median / 1e6, p99 / 1e6, n);
    }
}
