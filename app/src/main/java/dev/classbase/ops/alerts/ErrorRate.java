package dev.classbase.ops.alerts;

import dev.classbase.data.JdbcUrls;
import dev.classbase.ops.kernel.Primary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.sql.DataSource;

/**
 * The share of HTTP 5xx among the requests the whole cluster served over the window. Each instance
 * counts its own from Micrometer's {@code http.server.requests} (the counters Prometheus reads as
 * {@code http_server_requests_seconds_count}, so both compute the same ratio): the counts are
 * cumulative, so it keeps a snapshot per reading and takes the difference with the oldest one
 * inside the window, then publishes that window in V63's {@code alert_instance_requests}. The
 * ratio is the sum over the instances that published lately (three intervals), so the runner
 * judges every instance's traffic, not only its own, and every instance reads the same number.
 */
final class ErrorRate {
    private record Snapshot(Instant at, long requests, long errors) {}

    private final MeterRegistry registry;
    private final DataSource primary;
    private final String instance;
    private final Clock clock;
    private final AlertProperties properties;
    private final Deque<Snapshot> snapshots = new ArrayDeque<>();

    ErrorRate(MeterRegistry registry, DataSource primary, String instance, Clock clock, AlertProperties properties) {
        this.registry = registry;
        this.primary = primary;
        this.instance = instance;
        this.clock = clock;
        this.properties = properties;
    }

    synchronized Reading read() {
        Instant now = clock.instant();
        AlertQueries.Requests own = window(now);
        try (Connection c = primary.getConnection()) {
            c.setAutoCommit(true);
            if (own != null && !Primary.inRecovery(c)) {
                AlertQueries.publishRequests(c, instance, own, now);
            }
            AlertQueries.Requests all = AlertQueries.clusterRequests(
                    c, now.minus(properties.interval().multipliedBy(3)));
            if (all.instances() == 0) {
                return Reading.unavailable(
                        Rule.ERROR_RATE, "no window yet: the first reading of an instance is its baseline");
            }
            String span = all.instances() + (all.instances() == 1 ? " instance" : " instances") + ", last "
                    + properties.errorRateWindow().toSeconds() + " s";
            if (all.requests() < properties.errorRateMinRequests()) {
                return Reading.unavailable(
                        Rule.ERROR_RATE,
                        "too few requests: " + all.requests() + " (" + span + "); fewer than "
                                + properties.errorRateMinRequests() + " say nothing");
            }
            return Reading.of(
                    Rule.ERROR_RATE,
                    DiskUsage.round(100.0 * all.errors() / all.requests()),
                    all.errors() + " of " + all.requests() + " requests answered 5xx (" + span + ")");
        } catch (SQLException e) {
            return Reading.unavailable(
                    Rule.ERROR_RATE,
                    "not available: the primary did not answer (" + JdbcUrls.mask(e.getMessage()) + ")");
        }
    }

    /** This instance's requests and 5xx answers over the window; null at the first reading (no baseline). */
    private AlertQueries.Requests window(Instant now) {
        long requests = 0;
        long errors = 0;
        for (Timer t : registry.find("http.server.requests").timers()) {
            String status = t.getId().getTag("status");
            requests += t.count();
            if (status != null && status.startsWith("5")) {
                errors += t.count();
            }
        }
        Instant start = now.minus(properties.errorRateWindow());
        // keep the newest snapshot at or before the window's start, so the window is full
        while (snapshots.size() > 1 && !second().at().isAfter(start)) {
            snapshots.removeFirst();
        }
        Snapshot base = snapshots.peekFirst();
        snapshots.addLast(new Snapshot(now, requests, errors));
        return base == null
                ? null
                : new AlertQueries.Requests(
                        1, requests - base.requests(), errors - base.errors(), Duration.between(base.at(), now));
    }

    private Snapshot second() {
        return snapshots.stream().skip(1).findFirst().orElseThrow();
    }
}
