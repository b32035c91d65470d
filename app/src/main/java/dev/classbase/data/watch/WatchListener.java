package dev.classbase.data.watch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.MethodExecutionContext;
import net.ttddyy.dsproxy.listener.MethodExecutionListener;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch on one pool. A transaction ends at the connection's commit or rollback: that sees
 * Spring-managed and hand-written transactions alike, with no Spring hook per transaction.
 *
 * <p>A plain query and method listener rather than datasource-proxy's lifecycle adapter: the
 * adapter finds its before/after callback by reflection for every JDBC call (every setter and
 * getter included), while the watch needs only executions, commit, rollback and close.
 */
final class WatchListener implements QueryExecutionListener, MethodExecutionListener {
    // one logger for the whole watch, so operators tune one name
    private static final Logger log = LoggerFactory.getLogger(QueryWatch.class);

    private final String pool;
    private final QueryWatch watch;
    private final int threshold;
    private final long warnMillis;
    private final long criticalMillis;
    private final Timer timer;
    private final Counter slowWarn;
    private final Counter slowCritical;
    private final DistributionSummary perTransaction;
    // statements so far in the open transaction of each connection, by datasource-proxy's id
    private final Map<String, Integer> openTransactions = new ConcurrentHashMap<>();

    WatchListener(String pool, QueryWatch watch) {
        this.pool = pool;
        this.watch = watch;
        QueryWatchProperties properties = watch.properties();
        this.threshold = properties.nPlusOneThreshold();
        this.warnMillis = properties.slowWarn().toMillis();
        this.criticalMillis = properties.slowCritical().toMillis();
        var registry = watch.registry();
        this.timer = Timer.builder("classbase.query")
                .description("Statements run, by pool")
                .tag("pool", pool)
                .register(registry);
        this.slowWarn = slowCounter("warn").register(registry);
        this.slowCritical = slowCounter("critical").register(registry);
        this.perTransaction = DistributionSummary.builder("classbase.query.transaction.statements")
                .description("Statements per committed or rolled-back transaction")
                .tag("pool", pool)
                .register(registry);
    }

    private Counter.Builder slowCounter(String tier) {
        return Counter.builder("classbase.query.slow")
                .description("Statements slower than the tier's threshold")
                .tag("tier", tier)
                .tag("pool", pool);
    }

    @Override
    public void beforeQuery(ExecutionInfo info, List<QueryInfo> queries) {}

    @Override
    public void afterQuery(ExecutionInfo info, List<QueryInfo> queries) {
        long millis = info.getElapsedTime();
        List<String> shapes = shapesOf(queries);
        QueryScope scope = QueryScope.current();
        for (String shape : shapes) {
            // a round trip of several statements: its time is shared, each statement counts
            timer.record(millis / shapes.size(), TimeUnit.MILLISECONDS);
            if (scope != null) {
                List<QueryScope> crossed = scope.record(shape, threshold);
                if (!crossed.isEmpty()) {
                    flag(scope, crossed, shape);
                }
            }
        }
        if (millis >= warnMillis) {
            slow(millis, shapes.size() == 1 ? shapes.getFirst() : String.join("; ", shapes), scope);
        }
        if (inTransaction(info.getStatement())) {
            openTransactions.merge(info.getConnectionId(), shapes.size(), Integer::sum);
        }
    }

    @Override
    public void beforeMethod(MethodExecutionContext context) {}

    @Override
    public void afterMethod(MethodExecutionContext context) {
        if (!(context.getTarget() instanceof Connection)) {
            return; // statements and result sets: their executions arrive in afterQuery
        }
        switch (context.getMethod().getName()) {
            case "commit" -> transactionEnded(context);
            case "rollback" -> {
                Object[] args = context.getMethodArgs();
                // rollback(Savepoint) keeps the transaction open
                if (args == null || args.length == 0) {
                    transactionEnded(context);
                }
            }
            case "close" -> openTransactions.remove(context.getConnectionInfo().getConnectionId());
            default -> {}
        }
    }

    /**
     * One shape per statement PostgreSQL runs: a text of several statements (the tenant binding sent
     * with a read transaction's first statement) is several; a JDBC batch is one execution, and a
     * batch of several texts gets one combined shape.
     */
    private static List<String> shapesOf(List<QueryInfo> queries) {
        if (queries.size() == 1) {
            return StatementShapes.statements(queries.getFirst().getQuery());
        }
        return List.of(queries.stream()
                .map(q -> StatementShapes.of(q.getQuery()))
                .distinct()
                .collect(Collectors.joining("; ")));
    }

    private void flag(QueryScope scope, List<QueryScope> crossed, String shape) {
        String caller = Callers.find();
        for (QueryScope s : crossed) {
            s.flag(new NPlusOne(shape, s.route(), caller, threshold + 1));
        }
        // enclosing scopes keep their finding quietly: the innermost one already said it
        if (crossed.getFirst() == scope) {
            watch.nPlusOneFlagged(scope.route());
            log.warn(
                    "N+1: one statement shape ran more than {} times in {} (called from {}): {}",
                    threshold,
                    scope.route(),
                    caller,
                    shape);
        }
    }

    private void slow(long millis, String shape, QueryScope scope) {
        String route = scope == null ? "none" : scope.route();
        if (millis >= criticalMillis) {
            slowCritical.increment();
            log.error("critical slow statement: {} ms on pool {} in {}: {}", millis, pool, route, shape);
        } else {
            slowWarn.increment();
            log.warn("slow statement: {} ms on pool {} in {}: {}", millis, pool, route, shape);
        }
    }

    private void transactionEnded(MethodExecutionContext context) {
        Integer statements = openTransactions.remove(context.getConnectionInfo().getConnectionId());
        if (statements == null) {
            return; // nothing ran since the last boundary
        }
        perTransaction.record(statements);
        QueryScope scope = QueryScope.current();
        if (scope != null) {
            scope.transactionEnded(statements);
        }
    }

    private static boolean inTransaction(Statement statement) {
        try {
            return statement != null && !statement.getConnection().getAutoCommit();
        } catch (SQLException e) {
            return false; // a closed connection has no transaction to count
        }
    }
}
