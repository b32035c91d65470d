package dev.classbase.ops.alerts;

import dev.classbase.web.ApiException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/admin/database/alerts}: firing alerts and those resolved in the last 24 hours,
 * from the alert table (every instance answers the same), with this instance's last readings and
 * the rules; {@code POST .../alerts/evaluate}: evaluate now (admins only, by the auth filter).
 */
@RestController
class AlertsController {
    private static final Duration RECENT = Duration.ofHours(24);

    private final AlertEvaluator evaluator;

    AlertsController(AlertEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    record RuleView(String rule, String unit, Map<String, Double> thresholds, String source) {}

    record ReadingView(
            String rule, Double value, String unit, String status, Double threshold, String detail, String note) {}

    record Overview(
            List<Alert> firing,
            List<Alert> resolved,
            Instant evaluatedAt,
            String outcome,
            List<ReadingView> readings,
            List<RuleView> rules,
            String cooldown,
            String webhook) {}

    @GetMapping("/api/v1/admin/database/alerts")
    Overview alerts(@RequestParam(required = false) String limit) throws SQLException {
        return overview(evaluator.last(), parseLimit(limit));
    }

    @PostMapping("/api/v1/admin/database/alerts/evaluate")
    Overview evaluate() throws SQLException {
        return overview(evaluator.evaluate(), 50);
    }

    private Overview overview(Evaluation last, int limit) throws SQLException {
        AlertProperties p = evaluator.properties();
        AlertEvaluator.State state = evaluator.state(RECENT, limit);
        List<RuleView> rules = new ArrayList<>();
        for (Rule rule : Rule.values()) {
            rules.add(new RuleView(rule.id(), rule.unit(), rule.thresholds(p), rule.source()));
        }
        List<ReadingView> readings = new ArrayList<>();
        if (last != null) {
            for (Reading r : last.readings()) {
                Rule.Verdict v = r.available() ? r.rule().judge(r.value(), p) : null;
                readings.add(new ReadingView(
                        r.rule().id(),
                        r.value(),
                        r.rule().unit(),
                        v == null ? "unavailable" : v.firing() ? v.severity() : "ok",
                        v == null ? null : v.threshold(),
                        r.detail(),
                        r.note()));
            }
        }
        return new Overview(
                state.firing(),
                state.resolved(),
                last == null ? null : last.at(),
                last == null
                        ? "not evaluated yet on this instance"
                        : last.outcome().name().toLowerCase(Locale.ROOT),
                readings,
                rules,
                p.cooldown().toString(),
                evaluator.webhookConfigured() ? "configured" : "not configured (classbase.alerts.webhook-url)");
    }

    private static int parseLimit(String limit) {
        if (limit == null) {
            return 50;
        }
        try {
            int n = Integer.parseInt(limit.trim());
            if (n >= 1 && n <= 500) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the same answer
        }
        throw ApiException.badRequest("limit", "must be a whole number from 1 to 500, not '" + limit + "'");
    }
}
