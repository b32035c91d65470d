package dev.classbase.bench;

import dev.classbase.data.watch.QueryWatch;
import dev.classbase.testsupport.StatementBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * One workload run both ways, the service and its per-row baseline, alternating which goes first
 * so that drift on a shared machine hits both alike. Every run is inside a query scope, as a
 * request is, which counts its statements. The results are compared on the first and the last
 * run, and a difference stops the benchmark: a speed-up of a wrong answer means nothing.
 */
record Comparison(String name, Stats service, Stats perRow) {

    /** Milliseconds per run after warm-up, and the statements of one run. */
    record Stats(double medianMs, double p95Ms, int statements) {}

    /**
     * @param service the service's result, turned into a digest by {@code digest} outside the timing
     * @param perRow the per-row baseline's digest
     */
    static <T> Comparison run(
            String name,
            QueryWatch watch,
            int warmup,
            int iterations,
            Callable<T> service,
            Function<T, List<String>> digest,
            Callable<List<String>> perRow)
            throws Exception {
        List<Long> serviceNanos = new ArrayList<>();
        List<Long> perRowNanos = new ArrayList<>();
        int[] statements = new int[2];
        for (int i = 0; i < warmup + iterations; i++) {
            Timed<T> s = null;
            Timed<List<String>> p = null;
            if (i % 2 == 0) {
                s = Timed.of(watch, service);
                p = Timed.of(watch, perRow);
            } else {
                p = Timed.of(watch, perRow);
                s = Timed.of(watch, service);
            }
            if (i == 0 || i == warmup + iterations - 1) {
                Digests.assertSame(name, digest.apply(s.result()), p.result());
            }
            if (i >= warmup) {
                serviceNanos.add(s.nanos());
                perRowNanos.add(p.nanos());
            }
            statements[0] = Math.max(statements[0], s.statements());
            statements[1] = Math.max(statements[1], p.statements());
        }
        return new Comparison(name, stats(serviceNanos, statements[0]), stats(perRowNanos, statements[1]));
    }

    double speedUp() {
        return perRow.medianMs() / service.medianMs();
    }

    private record Timed<T>(T result, long nanos, int statements) {
        static <T> Timed<T> of(QueryWatch watch, Callable<T> work) throws Exception {
            List<T> result = new ArrayList<>(1);
            long[] nanos = new long[1];
            var measured = StatementBudget.measure(watch, () -> {
                long started = System.nanoTime();
                result.add(work.call());
                nanos[0] = System.nanoTime() - started;
            });
            return new Timed<>(result.getFirst(), nanos[0], measured.statements());
        }
    }

    private static Stats stats(List<Long> nanos, int statements) {
        List<Long> sorted = nanos.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        // nearest rank: the smallest value with at least 95 % of the runs at or below it
        double p95 = sorted.get((int) Math.ceil(0.95 * n) - 1);
        return new Stats(median / 1e6, p95 / 1e6, statements);
    }
}
