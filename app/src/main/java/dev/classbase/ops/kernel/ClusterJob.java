package dev.classbase.ops.kernel;

import dev.classbase.data.JdbcUrls;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scheduled job of a cluster: it runs on the primary only and on one instance at a time (a
 * session-level advisory lock on the run's own connection: released the moment the connection or
 * the instance dies, no lease to expire, no table; PostgreSQL manual, 13.3.5 "Advisory Locks"),
 * records its last success and duration as metrics, says a skip once and a failure with the URL's
 * secrets masked. A session lock needs a direct connection: through PgBouncer in transaction mode
 * it would not stay with the session.
 */
public final class ClusterJob {
    private static final Logger log = LoggerFactory.getLogger(ClusterJob.class);

    /** Why a run did nothing. */
    public enum Skip {
        /** This server is a replica or in recovery. */
        REPLICA,
        /** Another instance holds the runner lock. */
        LOCKED
    }

    /**
     * The runner lock's key: one bigint, or a class in the two-int space with 0 (a different key
     * space: {@code pg_locks.objsubid} 1 and 2); the hand-run CLI and tests take the same key.
     */
    public record Lock(long key, boolean paired) {
        public static Lock of(long key) {
            return new Lock(key, false);
        }

        public static Lock ofClass(int classId) {
            return new Lock(classId, true);
        }

        String tryLock() {
            return paired ? "SELECT pg_try_advisory_lock(?, 0)" : "SELECT pg_try_advisory_lock(?)";
        }

        String unlock() {
            return paired ? "SELECT pg_advisory_unlock(?, 0)" : "SELECT pg_advisory_unlock(?)";
        }

        Object bind() {
            return paired ? (Object) (int) key : (Object) key;
        }
    }

    /** The work's answer, or why it did not run. */
    public record Guarded<T>(T value, Skip skipped) {
        public boolean ran() {
            return skipped == null;
        }
    }

    /**
     * On {@code c} (autocommit): nothing on a replica, nothing when another runner holds the lock,
     * otherwise the work under the lock, released afterwards even when the work failed.
     */
    public static <T> Guarded<T> once(Connection c, Lock lock, BoundedRead.Work<T> work) throws SQLException {
        Skip skip = acquire(c, lock);
        if (skip != null) {
            return new Guarded<>(null, skip);
        }
        try {
            return new Guarded<>(work.run(c), null);
        } finally {
            if (!c.getAutoCommit()) {
                c.rollback(); // what the work left open; its commits are its own
                c.setAutoCommit(true);
            }
            release(c, lock);
        }
    }

    /**
     * For a run that outlives one call (a maintenance session): takes the lock on {@code c}
     * (autocommit) on the primary; null when taken, else why not. {@link #release} gives it back.
     */
    public static Skip acquire(Connection c, Lock lock) throws SQLException {
        c.setAutoCommit(true);
        if (Primary.inRecovery(c)) {
            return Skip.REPLICA;
        }
        return Rows.bool(c, lock.tryLock(), lock.bind()) ? null : Skip.LOCKED;
    }

    /** Gives the lock back (false when this session did not hold it). */
    public static boolean release(Connection c, Lock lock) throws SQLException {
        return Rows.bool(c, lock.unlock(), lock.bind());
    }

    private final String name;
    private final MeterRegistry registry;
    private final String durationMetric;
    private final Tags tags;
    private final AtomicLong lastSuccess = new AtomicLong();
    private final Set<Skip> said = ConcurrentHashMap.newKeySet();
    private volatile boolean failing;

    /**
     * {@code name} is what the logs call the job; {@code lastSuccessMetric} a gauge of epoch seconds
     * (null: the job reports the cluster's own, read from the database), {@code durationMetric} a
     * timer tagged with the outcome.
     */
    public ClusterJob(String name, MeterRegistry registry, String lastSuccessMetric, String durationMetric, Tags tags) {
        this.name = name;
        this.registry = registry;
        this.durationMetric = durationMetric;
        this.tags = tags;
        if (lastSuccessMetric != null) {
            Gauge.builder(lastSuccessMetric, lastSuccess, AtomicLong::get)
                    .tags(tags)
                    .description("When " + name + " last succeeded on this instance, epoch seconds (0: not yet)")
                    .register(registry);
        }
    }

    /** A run that did its work: the last success is now. */
    public void succeeded(Duration took) {
        lastSuccess.set(System.currentTimeMillis() / 1000);
        finished("done", took);
    }

    /** A run's duration under its outcome, whatever it was; clears a failure said before. */
    public void finished(String outcome, Duration took) {
        if (durationMetric != null) {
            Timer.builder(durationMetric)
                    .tags(tags)
                    .tag("outcome", outcome.toLowerCase(Locale.ROOT))
                    .description("How long a run of " + name + " took")
                    .register(registry)
                    .record(took);
        }
        if (failing) {
            failing = false;
            log.info("{} works again", name);
        }
    }

    /** Said once per reason (a replica stays one): a warning on a replica, debug when another instance runs. */
    public void skipped(Skip reason, String message) {
        if (reason == Skip.LOCKED) {
            log.debug("{}: {}", name, message);
        } else if (said.add(reason)) {
            log.warn("{}: {}", name, message);
        }
    }

    /** Said once until a run works again (the next tick retries); the URL's password never shows. */
    public void failed(Exception e) {
        if (!failing) {
            failing = true;
            log.warn("{} failed; the next run retries: {}", name, JdbcUrls.mask(String.valueOf(e.getMessage())));
        }
    }
}
