package dev.classbase.data.retry;

import dev.classbase.data.JdbcUrls;
import dev.classbase.data.consistency.ReadContext;
import dev.classbase.data.pool.Pools;
import dev.classbase.data.replicas.ReplicaMonitor;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs outside the transaction interceptor, around the outermost transactional call:
 *
 * <ul>
 *   <li>a read-only transaction that failed because of its replica (lost connection, shutdown,
 *       conflict with recovery) runs once more on the primary: a replica dying costs no request;
 *   <li>a {@link RetryableTransaction} runs again after transient errors, with exponential backoff
 *       and jitter (Resilience4j's interval function); when the connection died during COMMIT the
 *       server is asked whether the transaction committed ({@code pg_xact_status}) before anything
 *       is run again, so a retry never duplicates a write;
 *   <li>a write that reached a read-only server (25006: the primary was demoted, or a failover moved
 *       it) evicts the primary pool's connections so new ones find the new primary.
 * </ul>
 */
final class TransactionRetryInterceptor implements MethodInterceptor {
    private static final Logger log = LoggerFactory.getLogger(TransactionRetryInterceptor.class);
    private static final IntervalFunction BACKOFF = IntervalFunction.ofExponentialRandomBackoff(50, 2.0, 0.5, 2_000);

    private final Supplier<Pools> pools;
    private final Supplier<ReplicaMonitor> monitor;
    private final Supplier<MeterRegistry> registry;
    // merged-annotation lookups cost more than a read-only transaction's own work: once per method
    private final Map<MethodKey, Kind> kinds = new ConcurrentHashMap<>();

    TransactionRetryInterceptor(
            Supplier<Pools> pools, Supplier<ReplicaMonitor> monitor, Supplier<MeterRegistry> registry) {
        this.pools = pools;
        this.monitor = monitor;
        this.registry = registry;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return invocation.proceed(); // only the outermost transaction may run again
        }
        Kind kind = kinds.computeIfAbsent(
                new MethodKey(
                        invocation.getMethod(),
                        invocation.getThis() == null
                                ? null
                                : invocation.getThis().getClass()),
                TransactionRetryInterceptor::kind);
        if (kind.readOnly()) {
            return readWithFailover(invocation);
        }
        if (kind.attempts() > 0) {
            return writeWithRetry(invocation, kind.attempts());
        }
        try {
            return invocation.proceed();
        } catch (Throwable e) {
            evictIfStalePrimary(e);
            throw e;
        }
    }

    private Object readWithFailover(MethodInvocation invocation) throws Throwable {
        try {
            return again(invocation).proceed();
        } catch (Throwable e) {
            String target = ReadContext.current().lastReadTarget();
            if (target == null || target.startsWith("primary") || !TransientErrors.replicaFailure(e)) {
                throw e;
            }
            monitor.get().reportFailure(target, e);
            registry.get()
                    .counter("classbase.reads.failover", "replica", target)
                    .increment();
            log.warn("read on {} failed ({}); running it again on the primary", target, JdbcUrls.mask(e.getMessage()));
            ReadContext context = ReadContext.current();
            context.pushForcedPrimary();
            try {
                return again(invocation).proceed();
            } finally {
                context.popForcedPrimary();
            }
        }
    }

    private Object writeWithRetry(MethodInvocation invocation, int maxAttempts) throws Throwable {
        for (int attempt = 1; ; attempt++) {
            CommitCapture.reset();
            long started = System.nanoTime();
            try {
                return again(invocation).proceed();
            } catch (Throwable e) {
                evictIfStalePrimary(e);
                if (!TransientErrors.retryable(e) && !TransientErrors.readOnlyServer(e)) {
                    throw e;
                }
                CommitCapture capture = CommitCapture.current();
                if (capture.reachedCommit() && TransientErrors.connectionLost(e)) {
                    String outcome = outcome(capture.xid());
                    if ("committed".equals(outcome)) {
                        registry.get()
                                .counter("classbase.transactions.commit_confirmed")
                                .increment();
                        log.info(
                                "the connection died during COMMIT but transaction {} committed; not running it again",
                                capture.xid());
                        return capture.result();
                    }
                    if (outcome == null && capture.xid() != null) {
                        throw e; // unknown outcome: running it again could write twice
                    }
                }
                if (waitedForAConnection(e, started)) {
                    registry.get()
                            .counter("classbase.transactions.not_retried", "why", "connection-wait")
                            .increment();
                    throw e; // every connection was busy: another attempt would wait as long again
                }
                if (attempt >= maxAttempts) {
                    registry.get()
                            .counter("classbase.transactions.retries_exhausted")
                            .increment();
                    throw e;
                }
                registry.get()
                        .counter(
                                "classbase.transactions.retries",
                                "sqlstate",
                                String.valueOf(TransientErrors.sqlState(e)))
                        .increment();
                long wait = BACKOFF.apply(attempt);
                log.info(
                        "transient failure ({}), attempt {} of {}, retrying in {} ms",
                        TransientErrors.sqlState(e),
                        attempt,
                        maxAttempts,
                        wait);
                Thread.sleep(wait);
            } finally {
                CommitCapture.clear();
            }
        }
    }

    /**
     * The attempt failed for want of a connection after waiting about as long as the pool lets a
     * caller wait: PgBouncer's {@code query_wait_timeout}, or a connection error that came only after
     * the primary pool's connection timeout (a pool or a server queue, not a connection that broke
     * at once). Running it again would double the wait before the caller's 503.
     */
    private boolean waitedForAConnection(Throwable e, long started) {
        if (TransientErrors.queueTimeout(e)) {
            return true;
        }
        long waited = System.nanoTime() - started;
        return TransientErrors.connectionLost(e)
                && waited
                        >= java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                                pools.get().primary().getConnectionTimeout());
    }

    /** What the primary says of a transaction id: committed, aborted, in progress, or null when unknown. */
    private String outcome(String xid) {
        if (xid == null) {
            return "aborted"; // no xid was assigned: nothing was written
        }
        for (int i = 0; i < 20; i++) {
            try (Connection c = pools.get().primary().getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT pg_xact_status(?::xid8)")) {
                ps.setString(1, xid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String status = rs.getString(1);
                    if (!"in progress".equals(status)) {
                        return status;
                    }
                }
            } catch (SQLException e) {
                log.debug("asking for the outcome of {}", xid, e);
            }
            try {
                Thread.sleep(BACKOFF.apply(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private void evictIfStalePrimary(Throwable e) {
        if (TransientErrors.readOnlyServer(e) || TransientErrors.connectionLost(e)) {
            pools.get().evictPrimary(TransientErrors.sqlState(e));
        }
    }

    private static MethodInvocation again(MethodInvocation invocation) {
        return invocation instanceof ProxyMethodInvocation proxy ? proxy.invocableClone() : invocation;
    }

    /** What the annotations of a method ask for; attempts 0: not retryable. */
    private record Kind(boolean readOnly, int attempts) {}

    private record MethodKey(Method method, Class<?> targetClass) {}

    private static Kind kind(MethodKey key) {
        Method method = AopUtils.getMostSpecificMethod(key.method(), key.targetClass());
        Transactional tx = find(method, Transactional.class);
        RetryableTransaction retryable = find(method, RetryableTransaction.class);
        return new Kind(tx != null && tx.readOnly(), retryable == null ? 0 : Math.max(1, retryable.maxAttempts()));
    }

    private static <A extends java.lang.annotation.Annotation> A find(Method method, Class<A> type) {
        A onMethod = AnnotatedElementUtils.findMergedAnnotation(method, type);
        return onMethod != null
                ? onMethod
                : AnnotatedElementUtils.findMergedAnnotation(method.getDeclaringClass(), type);
    }

    /**
     * Runs inside the transaction interceptor, after the method body: remembers the result and the
     * transaction id, so a COMMIT lost with its connection can be confirmed rather than repeated.
     */
    static final class CommitCapture implements MethodInterceptor {
        private static final ThreadLocal<CommitCapture> CURRENT = new ThreadLocal<>();
        private final Supplier<DataSource> dataSource;
        private boolean reachedCommit;
        private int depth;
        private String xid;
        private Object result;

        CommitCapture(Supplier<DataSource> dataSource) {
            this.dataSource = dataSource;
        }

        static void reset() {
            CURRENT.set(new CommitCapture(null));
        }

        static void clear() {
            CURRENT.remove();
        }

        static CommitCapture current() {
            CommitCapture c = CURRENT.get();
            return c != null ? c : new CommitCapture(null);
        }

        boolean reachedCommit() {
            return reachedCommit;
        }

        String xid() {
            return xid;
        }

        Object result() {
            return result;
        }

        @Override
        public Object invoke(MethodInvocation invocation) throws Throwable {
            CommitCapture capture = CURRENT.get();
            if (capture == null) {
                return invocation.proceed();
            }
            capture.depth++;
            Object value;
            try {
                value = invocation.proceed();
            } finally {
                capture.depth--;
            }
            if (capture.depth == 0
                    && TransactionSynchronizationManager.isActualTransactionActive()
                    && ReadContext.current().primaryFetched()) {
                DataSource ds = dataSource.get();
                Connection connection = org.springframework.jdbc.datasource.DataSourceUtils.getConnection(ds);
                try (PreparedStatement ps =
                                connection.prepareStatement("SELECT pg_current_xact_id_if_assigned()::text");
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    capture.xid = rs.getString(1);
                } catch (SQLException e) {
                    // unchecked, so the transaction rolls back (a checked exception would commit)
                    throw new org.springframework.jdbc.UncategorizedSQLException("reading the transaction id", null, e);
                } finally {
                    org.springframework.jdbc.datasource.DataSourceUtils.releaseConnection(connection, ds);
                }
                capture.result = value;
                capture.reachedCommit = true;
            }
            return value;
        }
    }
}
