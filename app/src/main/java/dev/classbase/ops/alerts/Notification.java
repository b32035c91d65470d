package dev.classbase.ops.alerts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What is sent about an alert: it fires (or fires again, or got worse), or it resolved. */
record Notification(String status, Alert alert, Instant sentAt) {
    /** The webhook's JSON body, flat so any receiver (Slack relay, PagerDuty bridge, a script) reads it. */
    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("id", alert.id());
        body.put("rule", alert.rule());
        body.put("severity", alert.severity());
        body.put("value", alert.value());
        body.put("threshold", alert.threshold());
        body.put("unit", alert.unit());
        body.put("summary", alert.summary());
        body.put("source", alert.source());
        body.put("since", alert.since().toString());
        body.put(
                "resolvedAt",
                alert.resolvedAt() == null ? null : alert.resolvedAt().toString());
        body.put("sentAt", sentAt.toString());
        return body;
    }
}
