package dev.classbase.data.replicas;

import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.data.JdbcUrls;
import dev.classbase.data.consistency.Lsn;
import dev.classbase.data.consistency.WalTimeline;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Asks every replica, every {@code poll-interval} (250 ms), whether it is in recovery and how far
 * it has replayed, and keeps a replica in the read rotation only while it answers, is a replica and
 * is within the lag limit. Leaving is immediate (one bad poll); rejoining takes {@code
 * readmit-after} consecutive good polls: a Resilience4j circuit breaker per replica, whose half-open
 * state is exactly "on probation".
 */
public final class ReplicaMonitor implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ReplicaMonitor.class);
    /** How often a replica URL that keeps reaching a primary (a misconfiguration) is reconnected. */
    static final Duration RECONNECT_EVERY = Duration.ofSeconds(5);

    /** A replica to watch, through a connection of the monitor's own (so a full app pool never blinds us). */
    public record Target(String name, DataSource dataSource) {}

    /** The last poll of one replica. */
    public record Status(
            String name,
            boolean inRotation,
            String reason,
            Lsn replayLsn,
            long lagBytes,
            double lagSeconds,
            String receiverState,
            Instant polledAt) {}

    private final DataSource primary;
    private final List<Target> targets;
    private final RoutingProperties properties;
    private final Map<String, CircuitBreaker> breakers = new LinkedHashMap<>();
    private final Map<String, Status> statuses = new java.util.concurrent.ConcurrentHashMap<>();
    // what the current poll or request found, for the breaker's transition log
    private final Map<String, String> causes = new java.util.concurrent.ConcurrentHashMap<>();
    private final WalTimeline timeline;
    private volatile boolean running;
    private volatile Lsn lastPrimaryLsn;
    // whether the last poll reached the primary (true until a poll says otherwise)
    private volatile boolean primaryAnswered = true;
    private Thread poller;
    private final ReplicaPools pools;
    private final Map<String, Long> lastReconnect = new java.util.concurrent.ConcurrentHashMap<>();
    // replay positions asked for on demand (hasReplayed), and one such question at a time per replica
    private final Map<String, Replayed> asked = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Semaphore> asking = new java.util.concurrent.ConcurrentHashMap<>();

    private record Replayed(Lsn lsn, long nanos) {}

    /** How long a caller waits for another caller's question to the same replica to be answered. */
    static final Duration ASK_WAIT = Duration.ofMillis(5);

    public ReplicaMonitor(
            DataSource primary, List<Target> targets, RoutingProperties properties, MeterRegistry registry) {
        this(primary, targets, properties, registry, (ReplicaPools) name -> {});
    }

    /** What the monitor tells a replica's request pools. */
    @FunctionalInterface
    public interface ReplicaPools {
        /**
         * The replica's URL reached a server that accepts writes, at most once every {@link
         * #RECONNECT_EVERY}: retire its connections so that new ones look for a standby.
         */
        void reconnect(String name);

        /** It left the read rotation. */
        default void rest(String name) {}

        /** It is back in the read rotation. */
        default void wake(String name) {}
    }

    /**
     * {@code reconnect} is told the name of a replica whose server accepts writes, at most once every
     * {@link #RECONNECT_EVERY}: after a failover the promoted standby is still behind the replica
     * URL's open connections, and a multi-host URL ({@code targetServerType=preferSecondary}) finds a
     * standby again only on new ones (pgjdbc checks a server's type when it connects,
     * https://jdbc.postgresql.org/documentation/use/#connection-fail-over).
     */
    public ReplicaMonitor(
            DataSource primary,
            List<Target> targets,
            RoutingProperties properties,
            MeterRegistry registry,
            ReplicaPools pools) {
        this.pools = pools;
        this.primary = primary;
        this.targets = List.copyOf(targets);
        this.properties = properties;
        this.timeline = new WalTimeline(properties.maxLag().multipliedBy(4).plusSeconds(10));
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(1)
                .minimumNumberOfCalls(1)
                .failureRateThreshold(1)
                .permittedNumberOfCallsInHalfOpenState(properties.readmitAfter())
                .waitDurationInOpenState(properties.pollInterval())
                .recordExceptions(Unhealthy.class, SQLException.class)
                .build();
        for (Target target : targets) {
            CircuitBreaker breaker = CircuitBreaker.of("replica-" + target.name(), config);
            // the breaker moves inside the poll, before the poll's status is stored: the log takes
            // the cause this poll (or request) set, never the previous poll's reason
            breaker.getEventPublisher().onStateTransition(e -> {
                log.info(
                        "{}: {} ({})",
                        target.name(),
                        e.getStateTransition(),
                        causes.getOrDefault(target.name(), "first poll"));
                switch (e.getStateTransition().getToState()) {
                    case OPEN -> pools.rest(target.name());
                    case CLOSED -> pools.wake(target.name());
                    default -> {}
                }
            });
            breakers.put(target.name(), breaker);
            // out of rotation until the first poll says otherwise
            statuses.put(target.name(), new Status(target.name(), false, "not polled yet", null, -1, -1, null, null));
            Gauge.builder(
                            "classbase.replica.lag.seconds",
                            () -> status(target.name()).lagSeconds())
                    .tag("replica", target.name())
                    .register(registry);
            Gauge.builder(
                            "classbase.replica.lag.bytes",
                            () -> status(target.name()).lagBytes())
                    .tag("replica", target.name())
                    .register(registry);
            Gauge.builder(
                            "classbase.replica.in_rotation",
                            () -> status(target.name()).inRotation() ? 1 : 0)
                    .tag("replica", target.name())
                    .register(registry);
        }
    }

    public List<Status> statuses() {
        List<Status> all = new ArrayList<>();
        for (Target target : targets) {
            all.add(status(target.name()));
        }
        return all;
    }

    public Status status(String name) {
        return statuses.get(name);
    }

    /**
     * The lowest WAL position that any read may see now: the primary's at the last poll and the
     * replay position of every replica in rotation, or null before the first poll. A read starting after this call has
     * seen at least this much wherever it goes.
     */
    public Lsn seenEverywhere() {
        Lsn lowest = lastPrimaryLsn;
        if (lowest == null) {
            return null;
        }
        for (Target target : targets) {
            Status s = statuses.get(target.name());
            if (s == null) {
                return null;
            }
            if (!s.inRotation() || s.replayLsn() == null) {
                continue; // reads do not go there
            }
            if (!s.replayLsn().atLeast(lowest)) {
                lowest = s.replayLsn();
            }
        }
        return lowest;
    }

    /**
     * Whether replica {@code name} has replayed {@code required}. The last poll answers when it can;
     * otherwise the replica is asked now ({@code pg_last_wal_replay_lsn()}, on this monitor's own
     * pool, so a request's statements and its count are unchanged): a read that follows its write
     * within milliseconds would else find every poll, 250 ms apart, behind and go to the primary,
     * while a replica on a healthy link has replayed it in about a millisecond. One question at a
     * time per replica: a caller that finds one under way waits at most {@link #ASK_WAIT} for its
     * answer, then goes to the primary. An answer serves later callers for one poll interval.
     */
    public boolean hasReplayed(String name, Lsn required) {
        Status s = statuses.get(name);
        if (s != null && s.replayLsn() != null && s.replayLsn().atLeast(required)) {
            return true;
        }
        if (recentlyReplayed(name, required)) {
            return true;
        }
        Target target = null;
        for (Target t : targets) {
            if (t.name().equals(name)) {
                target = t;
            }
        }
        if (target == null) {
            return false;
        }
        Semaphore gate = asking.computeIfAbsent(name, k -> new Semaphore(1));
        try {
            if (!gate.tryAcquire(ASK_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            if (recentlyReplayed(name, required)) {
                return true; // the question this caller waited on answered it
            }
            long now = System.nanoTime();
            Lsn replay =
                    Lsn.parse(ReplicationQueries.replayLsn(target.dataSource())).orElse(null);
            if (replay == null) {
                return false; // not a replica (any more)
            }
            asked.merge(name, new Replayed(replay, now), (a, b) -> b.lsn().atLeast(a.lsn()) ? b : a);
            return replay.atLeast(required);
        } catch (SQLException | RuntimeException e) {
            log.debug("{}: replay position not read", name, e);
            discard(target.dataSource());
            return false;
        } finally {
            gate.release();
        }
    }

    private boolean recentlyReplayed(String name, Lsn required) {
        Replayed r = asked.get(name);
        return r != null
                && System.nanoTime() - r.nanos() < properties.pollInterval().toNanos()
                && r.lsn().atLeast(required);
    }

    /**
     * Whether the last poll (at most a poll interval and its timeout ago) failed to reach the
     * primary: a failover under way, its PgBouncer down, its pool held. A caller that can make do
     * with a replica need not wait out the primary pool's connection timeout to find out.
     */
    public boolean primaryUnreachable() {
        return !primaryAnswered;
    }

    public boolean hasReplicas() {
        return !targets.isEmpty();
    }

    /** A request saw this replica fail: take it out now rather than at the next poll. */
    public void reportFailure(String name, Throwable cause) {
        CircuitBreaker breaker = breakers.get(name);
        if (breaker != null && breaker.getState() != CircuitBreaker.State.OPEN) {
            causes.put(name, "failed a request: " + JdbcUrls.mask(cause.getMessage()));
            breaker.transitionToOpenState();
            Status s = statuses.get(name);
            statuses.put(
                    name,
                    new Status(
                            name,
                            false,
                            "failed a request: " + JdbcUrls.mask(cause.getMessage()),
                            s.replayLsn(),
                            s.lagBytes(),
                            s.lagSeconds(),
                            s.receiverState(),
                            Instant.now()));
        }
    }

    /** One round of polls; public so tests and ops can force a fresh view. */
    public void pollNow() {
        String primaryLsn = null;
        try {
            primaryLsn = ReplicationQueries.server(primary).currentLsn();
            primaryAnswered = true;
            Lsn.parse(primaryLsn).ifPresent(lsn -> {
                timeline.primaryAt(lsn, System.nanoTime());
                lastPrimaryLsn = lsn;
            });
        } catch (SQLException e) {
            log.debug("primary did not answer the monitor", e);
            primaryAnswered = false;
            discard(primary);
        }
        for (Target target : targets) {
            poll(target, primaryLsn);
        }
    }

    private void poll(Target target, String primaryLsn) {
        CircuitBreaker breaker = breakers.get(target.name());
        long started = System.nanoTime();
        // an open breaker whose wait is over turns half-open here, before this poll's answer
        causes.put(
                target.name(),
                "polling again after the breaker's wait of "
                        + properties.pollInterval().toMillis() + " ms");
        boolean permitted = breaker.tryAcquirePermission();
        Status previous = statuses.get(target.name());
        try {
            ReplicationQueries.ReplicaInfo info = ReplicationQueries.replica(target.dataSource(), primaryLsn);
            Lsn replay = info.replayLsn() == null
                    ? null
                    : Lsn.parse(info.replayLsn()).orElse(null);
            long lagBytes = info.lagBytes() == null ? -1 : info.lagBytes();
            // time behind from the monitor's own record of the primary's WAL (see WalTimeline); the
            // replica's replay timestamp only when the primary has not answered yet
            double lagSeconds = timeline.secondsBehind(replay, System.nanoTime())
                    .orElse(info.lagSeconds() == null ? -1 : info.lagSeconds());
            String problem = problem(info, lagBytes, lagSeconds);
            if (!info.inRecovery()) {
                reconnect(target);
            }
            causes.put(target.name(), problem == null ? "healthy" : problem);
            if (permitted) {
                if (problem == null) {
                    breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                } else {
                    breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, new Unhealthy(problem));
                }
            }
            boolean inRotation = breaker.getState() == CircuitBreaker.State.CLOSED;
            String reason = problem != null
                    ? problem
                    : inRotation
                            ? "in rotation"
                            : "healthy, on probation (" + properties.readmitAfter() + " good polls)";
            statuses.put(
                    target.name(),
                    new Status(
                            target.name(),
                            inRotation,
                            reason,
                            replay,
                            lagBytes,
                            lagSeconds,
                            info.receiverStatus(),
                            Instant.now()));
        } catch (SQLException e) {
            discard(target.dataSource());
            causes.put(target.name(), "unreachable: " + JdbcUrls.mask(e.getMessage()));
            if (permitted) {
                breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
            } else if (breaker.getState() != CircuitBreaker.State.OPEN) {
                breaker.transitionToOpenState();
            }
            statuses.put(
                    target.name(),
                    new Status(
                            target.name(),
                            false,
                            "unreachable: " + JdbcUrls.mask(e.getMessage()),
                            previous.replayLsn(),
                            previous.lagBytes(),
                            previous.lagSeconds(),
                            null,
                            Instant.now()));
        }
    }

    /** A replica URL that reached a primary: its pools' connections are retired (new ones choose again). */
    private void reconnect(Target target) {
        long now = System.nanoTime();
        Long last = lastReconnect.get(target.name());
        if (last != null && now - last < RECONNECT_EVERY.toNanos()) {
            return;
        }
        lastReconnect.put(target.name(), now);
        log.warn(
                "{}: the server accepts writes; retiring the replica's connections so new ones look for a standby",
                target.name());
        discard(target.dataSource());
        pools.reconnect(target.name());
    }

    /** The monitor's connection failed (or reached the wrong server): the next question opens a new one. */
    private static void discard(DataSource source) {
        if (source instanceof SingleConnectionDataSource single) {
            single.resetConnection();
        } else if (source instanceof HikariDataSource pool && pool.getHikariPoolMXBean() != null) {
            pool.getHikariPoolMXBean().softEvictConnections();
        }
    }

    private String problem(ReplicationQueries.ReplicaInfo info, long lagBytes, double lagSeconds) {
        if (!info.inRecovery()) {
            return "not a replica: the server accepts writes (check the replica URL)";
        }
        if (lagSeconds > properties.maxLag().toMillis() / 1000.0) {
            return String.format("lag %.2f s over the %s limit", lagSeconds, properties.maxLag());
        }
        if (lagBytes > 0 && !"streaming".equals(info.receiverStatus()) && lagSeconds >= 0) {
            // not receiving: the seconds formula cannot see it, but the primary has moved on
            if (lagBytes > properties.maxLagBytes() / 16) {
                return "not streaming and " + lagBytes + " bytes behind";
            }
        }
        if (lagBytes > properties.maxLagBytes()) {
            return "lag " + lagBytes + " bytes over the " + properties.maxLagBytes() + " limit";
        }
        return null;
    }

    @Override
    public void start() {
        running = true;
        poller = Thread.ofVirtual().name("replica-monitor").start(() -> {
            while (running) {
                try {
                    pollNow();
                } catch (RuntimeException e) {
                    log.warn("replica monitor round failed", e);
                }
                try {
                    Thread.sleep(properties.pollInterval());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    @Override
    public void stop() {
        running = false;
        if (poller != null) {
            poller.interrupt();
        }
        discard(primary);
        targets.forEach(t -> discard(t.dataSource()));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** A replica that answered but must not serve reads. */
    static final class Unhealthy extends Exception {
        Unhealthy(String reason) {
            super(reason, null, false, false);
        }
    }

    Duration pollInterval() {
        return properties.pollInterval();
    }
}
