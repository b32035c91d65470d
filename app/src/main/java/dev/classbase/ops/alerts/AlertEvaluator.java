package dev.classbase.ops.alerts;

import dev.classbase.ops.kernel.ClusterJob;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns readings into alerts. Every instance reads its signals (its gauges stay current); one
 * instance per cluster, the holder of the runner lock (a session-level advisory lock on its
 * autocommit connection, so no transaction stays open while it waits), changes the alert table in
 * one short transaction: a broken rule starts firing or updates its value, a rule back within its
 * threshold resolves, an unreadable signal changes nothing. Notifications leave after the commit.
 *
 * <p>Notifying: a firing alert is notified when it starts, unless its rule was notified (firing
 * or resolved) within the cooldown (5 minutes by default: a flapping rule does not page every 30 s;
 * it is notified once the cooldown has passed if it still fires); again when it gets worse (warning to critical), not
 * within the cooldown; and as a reminder after each {@code repeat-interval}. A resolve is notified
 * once, and only for an alert whose firing was notified.
 */
final class AlertEvaluator {
    private static final Logger log = LoggerFactory.getLogger(AlertEvaluator.class);
    private static final int PURGE_BATCH = 1000;
    private static final int PURGE_BATCHES_PER_RUN = 10;

    private final DataSource primary;
    private final Signals signals;
    private final AlertProperties properties;
    private final WebhookNotifier notifier;
    private final Clock clock;
    private volatile Evaluation last;

    AlertEvaluator(
            DataSource primary, Signals signals, AlertProperties properties, WebhookNotifier notifier, Clock clock) {
        this.primary = primary;
        this.signals = signals;
        this.properties = properties;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** The last evaluation this instance ran (null before the first). */
    Evaluation last() {
        return last;
    }

    AlertProperties properties() {
        return properties;
    }

    boolean webhookConfigured() {
        return notifier.configured();
    }

    Evaluation evaluate() throws SQLException {
        Instant now = clock.instant();
        List<Reading> readings = signals.read();
        List<Evaluation.Change> changes = List.of();
        List<Notification> out = new ArrayList<>();
        Evaluation.Outcome outcome;
        List<Alert> firing;
        try (Connection c = primary.getConnection()) {
            ClusterJob.Guarded<List<Evaluation.Change>> run = ClusterJob.once(c, AlertQueries.RUNNER_LOCK, locked -> {
                locked.setAutoCommit(false);
                List<Evaluation.Change> applied = apply(locked, readings, now, out);
                purge(locked, now);
                locked.commit();
                return applied;
            });
            if (run.ran()) {
                outcome = Evaluation.Outcome.RAN;
                changes = run.value();
            } else {
                outcome = run.skipped() == ClusterJob.Skip.REPLICA
                        ? Evaluation.Outcome.SKIPPED_REPLICA
                        : Evaluation.Outcome.SKIPPED_LOCKED;
            }
            firing = AlertQueries.firing(c);
        }
        for (Evaluation.Change change : changes) {
            Alert a = change.alert();
            if (Alert.RESOLVED.equals(change.what())) {
                log.info("alert resolved: {} (since {})", a.summary(), a.since());
            } else {
                log.warn("alert {}: {}", change.what(), a.summary());
            }
        }
        out.forEach(notifier::send);
        Evaluation evaluation = new Evaluation(now, outcome, readings, changes, List.copyOf(out), firing);
        last = evaluation;
        return evaluation;
    }

    private List<Evaluation.Change> apply(Connection c, List<Reading> readings, Instant now, List<Notification> out)
            throws SQLException {
        Map<String, Alert> firing = AlertQueries.firingForUpdate(c);
        Map<String, Instant> lastNotified = AlertQueries.lastNotified(c);
        List<Evaluation.Change> changes = new ArrayList<>();
        for (Reading r : readings) {
            if (!r.available()) {
                continue; // unknown is not resolved: the alert stays as it was
            }
            Rule rule = r.rule();
            Rule.Verdict verdict = rule.judge(r.value(), properties);
            Alert current = firing.get(rule.id());
            String summary = summary(r, verdict);
            if (verdict.firing()) {
                Alert a;
                if (current == null) {
                    a = AlertQueries.insertFiring(
                            c, rule, verdict.severity(), r.value(), verdict.threshold(), summary, now);
                    changes.add(new Evaluation.Change(Alert.FIRING, a));
                } else {
                    a = AlertQueries.updateFiring(
                            c, current.id(), verdict.severity(), r.value(), verdict.threshold(), summary, now);
                    if (!verdict.severity().equals(current.severity())) {
                        changes.add(new Evaluation.Change(current.severity() + " -> " + verdict.severity(), a));
                    }
                }
                if (shouldNotify(a, lastNotified.get(rule.id()), now)) {
                    a = AlertQueries.markNotified(c, a.id(), a.severity(), now);
                    out.add(new Notification(Alert.FIRING, a, now));
                }
            } else if (current != null) {
                boolean notify = current.notifiedAt() != null;
                Alert a = AlertQueries.resolve(c, current.id(), r.value(), summary, now, notify);
                changes.add(new Evaluation.Change(Alert.RESOLVED, a));
                if (notify) {
                    out.add(new Notification(Alert.RESOLVED, a, now));
                }
            }
        }
        return changes;
    }

    private boolean shouldNotify(Alert a, Instant ruleLastNotified, Instant now) {
        Instant last = a.notifiedAt() != null ? a.notifiedAt() : ruleLastNotified;
        if (last == null) {
            return true;
        }
        Duration since = Duration.between(last, now);
        if (a.notifiedAt() == null || Rule.rank(a.severity()) > Rule.rank(a.notifiedSeverity())) {
            return since.compareTo(properties.cooldown()) >= 0;
        }
        return since.compareTo(properties.repeatInterval()) >= 0;
    }

    private static String summary(Reading r, Rule.Verdict v) {
        Rule rule = r.rule();
        String head = rule.id() + " " + (v.firing() ? v.severity() : "ok") + ": " + r.value() + " " + rule.unit()
                + (v.firing() ? ", " : ", not ") + rule.comparison(v.threshold());
        return r.detail() == null ? head : head + " (" + r.detail() + ")";
    }

    private void purge(Connection c, Instant now) throws SQLException {
        Instant before = now.minus(properties.retention());
        for (int i = 0; i < PURGE_BATCHES_PER_RUN; i++) {
            if (AlertQueries.deleteResolvedBefore(c, before, PURGE_BATCH) < PURGE_BATCH) {
                break;
            }
        }
        AlertQueries.deleteInstancesBefore(c, now.minus(Duration.ofDays(1)));
    }

    /** Records a webhook delivery's outcome on its alert (called from the notifier's thread). */
    static BiConsumer<Long, String> deliveryLog(DataSource primary) {
        return (id, outcome) -> {
            try (Connection c = primary.getConnection()) {
                c.setAutoCommit(true);
                AlertQueries.recordDelivery(c, id, outcome);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        };
    }

    /** Firing alerts and those resolved within {@code window}, newest first, for the API. */
    record State(List<Alert> firing, List<Alert> resolved) {}

    State state(Duration window, int limit) throws SQLException {
        try (Connection c = primary.getConnection()) {
            c.setAutoCommit(true);
            return new State(
                    AlertQueries.firing(c),
                    AlertQueries.resolvedSince(c, clock.instant().minus(window), limit));
        }
    }
}
