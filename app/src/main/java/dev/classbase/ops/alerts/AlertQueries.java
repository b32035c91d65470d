package dev.classbase.ops.alerts;

import dev.classbase.ops.kernel.ClusterJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The alert state table (V63), one statement per method. Times are bound from the evaluator's clock. */
final class AlertQueries {
    private AlertQueries() {}

    /** The evaluator's runner lock (session-level, two-int key space): "cbal" in ASCII, objid 0. */
    static final int RUNNER_LOCK_CLASS = 0x6362616C;

    static final ClusterJob.Lock RUNNER_LOCK = ClusterJob.Lock.ofClass(RUNNER_LOCK_CLASS);

    private static final String COLUMNS = """
            id, rule, severity, state, value, threshold, unit, summary, source, since, evaluated_at,
            resolved_at, notified_at, notified_severity, resolve_notified_at, delivery
            """;

    /** Firing alerts by rule, locked for this evaluation's transaction. */
    static Map<String, Alert> firingForUpdate(Connection c) throws SQLException {
        Map<String, Alert> byRule = new HashMap<>();
        for (Alert a : list(c, "SELECT " + COLUMNS + " FROM alerts WHERE state = 'firing' FOR UPDATE")) {
            byRule.put(a.rule(), a);
        }
        return byRule;
    }

    /** Firing alerts, worst first, then oldest. */
    static List<Alert> firing(Connection c) throws SQLException {
        return list(c, "SELECT " + COLUMNS + """
                 FROM alerts
                WHERE state = 'firing'
                ORDER BY CASE severity WHEN 'critical' THEN 0 ELSE 1 END, since
                """);
    }

    /** Alerts resolved since the given time, newest first, at most {@code limit}. */
    static List<Alert> resolvedSince(Connection c, Instant since, int limit) throws SQLException {
        return list(c, "SELECT " + COLUMNS + """
                 FROM alerts
                WHERE state = 'resolved' AND resolved_at >= ?
                ORDER BY resolved_at DESC, id DESC
                LIMIT ?
                """, at(since), limit);
    }

    /** Per rule, the last time any of its alerts was notified, firing or resolved (the cooldown's memory). */
    static Map<String, Instant> lastNotified(Connection c) throws SQLException {
        Map<String, Instant> last = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT rule, max(greatest(notified_at, resolve_notified_at))
                FROM alerts
                WHERE notified_at IS NOT NULL
                GROUP BY rule
                """);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                last.put(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant());
            }
        }
        return last;
    }

    static Alert insertFiring(
            Connection c, Rule rule, String severity, double value, double threshold, String summary, Instant now)
            throws SQLException {
        return list(
                        c,
                        """
                INSERT INTO alerts (rule, severity, state, value, threshold, unit, summary, source, since, evaluated_at)
                VALUES (?, ?, 'firing', ?, ?, ?, ?, ?, ?, ?)
                RETURNING
                """ + COLUMNS,
                        rule.id(),
                        severity,
                        value,
                        threshold,
                        rule.unit(),
                        summary,
                        rule.source(),
                        at(now),
                        at(now))
                .getFirst();
    }

    /** Still firing: the new value, severity and threshold. */
    static Alert updateFiring(
            Connection c, long id, String severity, double value, double threshold, String summary, Instant now)
            throws SQLException {
        return list(c, """
                UPDATE alerts SET severity = ?, value = ?, threshold = ?, summary = ?, evaluated_at = ?
                WHERE id = ?
                RETURNING
                """ + COLUMNS, severity, value, threshold, summary, at(now), id)
                .getFirst();
    }

    static Alert markNotified(Connection c, long id, String severity, Instant now) throws SQLException {
        return list(c, """
                UPDATE alerts SET notified_at = ?, notified_severity = ? WHERE id = ?
                RETURNING
                """ + COLUMNS, at(now), severity, id).getFirst();
    }

    /** Resolved, with the value that ended it; {@code notify}: the resolve is notified (once). */
    static Alert resolve(Connection c, long id, double value, String summary, Instant now, boolean notify)
            throws SQLException {
        return list(c, """
                UPDATE alerts
                SET state = 'resolved', value = ?, summary = ?, evaluated_at = ?, resolved_at = ?,
                    resolve_notified_at = CASE WHEN ? THEN ?::timestamptz END
                WHERE id = ?
                RETURNING
                """ + COLUMNS, value, summary, at(now), at(now), notify, at(now), id)
                .getFirst();
    }

    /** How the webhook delivery of this alert's last notification went (written after the fact). */
    static void recordDelivery(Connection c, long id, String delivery) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE alerts SET delivery = ? WHERE id = ?")) {
            ps.setString(1, delivery);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /** One batch of resolved alerts past retention; the caller repeats while a batch comes back full. */
    static int deleteResolvedBefore(Connection c, Instant before, int batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                DELETE FROM alerts
                WHERE id IN (SELECT id FROM alerts
                             WHERE state = 'resolved' AND resolved_at < ?
                             ORDER BY resolved_at
                             LIMIT ?)
                """)) {
            ps.setObject(1, at(before));
            ps.setInt(2, batch);
            return ps.executeUpdate();
        }
    }

    /** HTTP requests and 5xx answers over a window: one instance's, or the sum of {@code instances}. */
    record Requests(int instances, long requests, long errors, Duration span) {}

    /** This instance's window, replacing its last one. */
    static void publishRequests(Connection c, String instance, Requests window, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO alert_instance_requests (instance, requests, errors, window_seconds, updated_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (instance) DO UPDATE
                SET requests = excluded.requests, errors = excluded.errors,
                    window_seconds = excluded.window_seconds, updated_at = excluded.updated_at
                """)) {
            ps.setString(1, instance);
            ps.setLong(2, window.requests());
            ps.setLong(3, window.errors());
            ps.setLong(4, window.span().toSeconds());
            ps.setObject(5, at(now));
            ps.executeUpdate();
        }
    }

    /** The windows published since {@code freshSince}, summed (an instance that stopped drops out). */
    static Requests clusterRequests(Connection c, Instant freshSince) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*)::int, coalesce(sum(requests), 0)::bigint, coalesce(sum(errors), 0)::bigint,
                       coalesce(max(window_seconds), 0)::bigint
                FROM alert_instance_requests
                WHERE updated_at >= ?
                """)) {
            ps.setObject(1, at(freshSince));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Requests(rs.getInt(1), rs.getLong(2), rs.getLong(3), Duration.ofSeconds(rs.getLong(4)));
            }
        }
    }

    /** Instances gone for long (stopped, redeployed under a new name). */
    static int deleteInstancesBefore(Connection c, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert_instance_requests WHERE updated_at < ?")) {
            ps.setObject(1, at(before));
            return ps.executeUpdate();
        }
    }

    private static OffsetDateTime at(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static boolean bool(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static List<Alert> list(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<Alert> alerts = new ArrayList<>();
                while (rs.next()) {
                    alerts.add(new Alert(
                            rs.getLong("id"),
                            rs.getString("rule"),
                            rs.getString("severity"),
                            rs.getString("state"),
                            rs.getDouble("value"),
                            rs.getDouble("threshold"),
                            rs.getString("unit"),
                            rs.getString("summary"),
                            rs.getString("source"),
                            instant(rs, "since"),
                            instant(rs, "evaluated_at"),
                            instant(rs, "resolved_at"),
                            instant(rs, "notified_at"),
                            rs.getString("notified_severity"),
                            instant(rs, "resolve_notified_at"),
                            rs.getString("delivery")));
                }
                return alerts;
            }
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }
}
