package dev.classbase.testsupport;

import dev.classbase.data.watch.NPlusOne;
import dev.classbase.data.watch.QueryScope;
import dev.classbase.data.watch.QueryWatch;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Counts the statements a block runs on the current thread, through a query scope as a request
 * does, so a test can hold a feature to a statement budget that does not grow with the data:
 * {@code StatementBudget.assertAtMost(3, watch, () -> mvc.perform(get("/api/v1/courses/1")))}.
 */
public final class StatementBudget {
    private StatementBudget() {}

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** What a block ran: statements (a batch is one), executions per shape, N+1 findings. */
    public record Measurement(
            int statements, Map<String, Integer> shapes, List<NPlusOne> nPlusOnes, List<Integer> transactions) {

        /** The shapes, most frequent first, and any N+1, one per line. */
        public String describe() {
            String lines = shapes.entrySet().stream()
                    .map(e -> "  " + e.getValue() + " x " + e.getKey())
                    .collect(Collectors.joining("\n"));
            String findings = nPlusOnes.stream()
                    .map(n -> "  N+1 in " + n.route() + " from " + n.caller() + ": " + n.shape())
                    .collect(Collectors.joining("\n"));
            return findings.isEmpty() ? lines : lines + "\n" + findings;
        }
    }

    public static Measurement measure(QueryWatch watch, ThrowingRunnable block) throws Exception {
        if (!watch.properties().enabled()) {
            // a disabled watch counts nothing, and every budget would pass
            throw new IllegalStateException("the query watch is disabled: classbase.query-watch.enabled=false");
        }
        try (QueryScope scope = QueryWatch.scope(null)) {
            block.run();
            return new Measurement(scope.statements(), scope.shapes(), scope.nPlusOnes(), scope.transactions());
        }
    }

    /** Runs the block and fails, listing the shapes, if it ran more than {@code max} statements. */
    public static Measurement assertAtMost(int max, QueryWatch watch, ThrowingRunnable block) throws Exception {
        Measurement m = measure(watch, block);
        if (m.statements() > max) {
            throw new AssertionError(
                    "expected at most " + max + " statements but " + m.statements() + " ran:\n" + m.describe());
        }
        return m;
    }
}
