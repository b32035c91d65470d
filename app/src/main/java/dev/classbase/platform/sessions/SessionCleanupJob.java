package dev.classbase.platform.sessions;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes expired sessions every {@code classbase.sessions.cleanup-interval} (1 h), a batch per
 * transaction until a batch comes back short. Each batch first takes a transaction-scoped advisory
 * lock: if another instance holds it, this one stops and leaves the run to it, so one instance of
 * a cluster deletes at a time. Idempotent, so a run cut short is finished by the next.
 */
@Component
@EnableConfigurationProperties(SessionProperties.class)
public class SessionCleanupJob {
    /** pg_try_advisory_xact_lock key of this job: "classbase sessions" in ASCII, 8 bytes. */
    static final long LOCK_KEY = 0x636c617373736573L;

    private static final Logger log = LoggerFactory.getLogger(SessionCleanupJob.class);

    /** What one run did: sessions deleted, batches, and whether another instance held the lock. */
    public record Result(long deleted, int batches, boolean lockedOut, Duration took) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final SessionProperties properties;
    private final Timer duration;
    private final AtomicLong lastSuccess = new AtomicLong();

    SessionCleanupJob(
            JdbcClient jdbc,
            PlatformTransactionManager transactionManager,
            SessionProperties properties,
            MeterRegistry registry) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.properties = properties;
        this.duration = Timer.builder("classbase.job.duration")
                .tag("job", "sessions-cleanup")
                .description("How long a run of the job took")
                .register(registry);
        Gauge.builder("classbase.job.last_success", lastSuccess, AtomicLong::get)
                .tag("job", "sessions-cleanup")
                .description("When the job last succeeded, epoch seconds (0: not yet)")
                .register(registry);
    }

    @Scheduled(
            fixedDelayString = "${classbase.sessions.cleanup-interval:1h}",
            initialDelayString = "${classbase.sessions.cleanup-initial-delay:5m}")
    void scheduled() {
        try {
            Result result = run(properties.cleanupBatch());
            if (result.deleted() > 0 || result.lockedOut()) {
                log.info(
                        "sessions cleanup: {} expired sessions deleted in {} batches, {} ms{}",
                        result.deleted(),
                        result.batches(),
                        result.took().toMillis(),
                        result.lockedOut() ? " (another instance is running it)" : "");
            }
        } catch (RuntimeException e) {
            log.warn("sessions cleanup failed; the next run retries", e);
        }
    }

    /** Operators' sessions: a handful of staff, so one batch is all there is; under the same lock. */
    private int deleteExpiredOperatorSessions(int batch) {
        Integer n = transactions.execute(status -> {
            Boolean locked = jdbc.sql(SessionQueries.tryJobLock())
                    .param("key", LOCK_KEY)
                    .query(Boolean.class)
                    .single();
            if (!Boolean.TRUE.equals(locked)) {
                return 0;
            }
            return jdbc.sql(SessionQueries.deleteExpiredOperatorSessions())
                    .param("batch", batch)
                    .query(Integer.class)
                    .single();
        });
        return n == null ? 0 : n;
    }

    /** Runs the cleanup now, {@code batch} sessions per transaction. */
    public Result run(int batch) {
        long started = System.nanoTime();
        long deleted = 0;
        int batches = 0;
        boolean lockedOut = false;
        while (true) {
            Integer n = transactions.execute(status -> {
                Boolean locked = jdbc.sql(SessionQueries.tryJobLock())
                        .param("key", LOCK_KEY)
                        .query(Boolean.class)
                        .single();
                if (!Boolean.TRUE.equals(locked)) {
                    return null;
                }
                return jdbc.sql(SessionQueries.deleteExpired())
                        .param("batch", batch)
                        .query(Integer.class)
                        .single();
            });
            if (n == null) {
                lockedOut = true;
                break;
            }
            batches++;
            deleted += n;
            if (n < batch) {
                break;
            }
        }
        if (!lockedOut) {
            deleted += deleteExpiredOperatorSessions(batch);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        duration.record(took);
        if (!lockedOut) {
            lastSuccess.set(System.currentTimeMillis() / 1000);
        }
        return new Result(deleted, batches, lockedOut, took);
    }
}
