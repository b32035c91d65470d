package dev.classbase.ops.alerts;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The alert rules, each with its default threshold ({@code classbase.alerts.*}). Each compares one
 * reading with its threshold; the same rules, over the same numbers, are in {@code
 * infrastructure/prometheus/classbase-rules.yml}.
 */
enum Rule {
    /** The longest statement running now in this database, seconds. */
    SLOW_QUERY("s", "default: slow query > 1 s, critical > 5 s; classbase.alerts.slow-query-warning/-critical"),
    /** Client connections against max_connections, percent. */
    CONNECTIONS("%", "default: connection usage > 80 % of max_connections; classbase.alerts.connections-percent"),
    /** HTTP 5xx share of the requests the cluster's instances served over the window, percent. */
    ERROR_RATE(
            "%", "default: error rate > 5 % of requests; classbase.alerts.error-rate-percent over error-rate-window"),
    /** The worse of the table and index buffer cache hit rates, percent (fires when below). */
    CACHE_HIT("%", "default: cache hit ratio < 95 %; classbase.alerts.cache-hit-percent"),
    /** The most lagging replica's replay lag, seconds. */
    REPLICATION_LAG("s", "default: replication lag > 60 s; classbase.alerts.replication-lag"),
    /** Used share of the filesystem holding the data directory, percent. */
    DISK("%", "default: disk usage > 85 %; classbase.alerts.disk-percent"),
    /** The most threads of one Hikari pool waiting for a connection now (hikaricp.connections.pending). */
    POOL_EXHAUSTION(
            "threads", "default: threads waiting for a pooled connection > 0; fixed, no classbase.alerts.* setting"),
    /** Connection requests that timed out in any Hikari pool since the last evaluation. */
    CONNECTION_FAILURES(
            "timeouts",
            "default: connection timeouts since the last evaluation > 0; fixed, no classbase.alerts.* setting"),
    /** Replicas out of the read rotation (unreachable, failing, or lagging) at their last poll. */
    REPLICA_DOWN("replicas", "default: replicas out of the read rotation > 0; fixed, no classbase.alerts.* setting"),
    /** Deadlocks PostgreSQL detected in this database since the last evaluation (pg_stat_database). */
    DEADLOCKS("deadlocks", "default: deadlocks since the last evaluation > 0; fixed, no classbase.alerts.* setting"),
    /** Backends of this database waiting on a lock for longer than lock-wait. */
    LOCK_WAITS("backends", "default: backends waiting on a lock for over 5 s > 0; classbase.alerts.lock-wait");

    static final String WARNING = "warning";
    static final String CRITICAL = "critical";

    private final String unit;
    private final String source;

    Rule(String unit, String source) {
        this.unit = unit;
        this.source = source;
    }

    /** What a reading means: a severity when it breaks the rule (null when not), and the threshold. */
    record Verdict(String severity, double threshold) {
        boolean firing() {
            return severity != null;
        }
    }

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    String unit() {
        return unit;
    }

    String source() {
        return source;
    }

    static Rule of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    Verdict judge(double value, AlertProperties p) {
        return switch (this) {
            case SLOW_QUERY -> {
                double warning = p.slowQueryWarning().toMillis() / 1000.0;
                double critical = p.slowQueryCritical().toMillis() / 1000.0;
                yield value > critical
                        ? new Verdict(CRITICAL, critical)
                        : new Verdict(value > warning ? WARNING : null, warning);
            }
            case CONNECTIONS -> above(value, p.connectionsPercent(), WARNING);
            case ERROR_RATE -> above(value, p.errorRatePercent(), CRITICAL);
            case CACHE_HIT -> new Verdict(value < p.cacheHitPercent() ? WARNING : null, p.cacheHitPercent());
            case REPLICATION_LAG -> above(value, p.replicationLag().toMillis() / 1000.0, WARNING);
            // a full disk stops the server: no writes, then no WAL, then a crash
            case DISK -> above(value, p.diskPercent(), CRITICAL);
            // a waiting thread is a request that is not served yet; a timeout is one that failed
            case POOL_EXHAUSTION, REPLICA_DOWN, DEADLOCKS, LOCK_WAITS -> above(value, 0, WARNING);
            case CONNECTION_FAILURES -> above(value, 0, CRITICAL);
        };
    }

    /** The rule's thresholds by severity, as configured. */
    Map<String, Double> thresholds(AlertProperties p) {
        Map<String, Double> t = new LinkedHashMap<>();
        if (this == SLOW_QUERY) {
            t.put(WARNING, p.slowQueryWarning().toMillis() / 1000.0);
            t.put(CRITICAL, p.slowQueryCritical().toMillis() / 1000.0);
        } else {
            // any reading is judged against the one threshold; its severity is the rule's
            Verdict v = judge(this == CACHE_HIT ? -1 : Double.MAX_VALUE, p);
            t.put(v.severity(), v.threshold());
        }
        return t;
    }

    /** How the rule reads in a log line or a notification: "above 1.0 s", "below 95.0 %". */
    String comparison(double threshold) {
        return (this == CACHE_HIT ? "below " : "above ") + threshold + " " + unit;
    }

    private static Verdict above(double value, double threshold, String severity) {
        return new Verdict(value > threshold ? severity : null, threshold);
    }

    static int rank(String severity) {
        return CRITICAL.equals(severity) ? 2 : WARNING.equals(severity) ? 1 : 0;
    }
}
