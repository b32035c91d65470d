package dev.classbase.ops.alerts;

/**
 * One rule's measurement: its value in the rule's unit, what it was measured on ({@code detail}:
 * the statement, the replica), or no value and why ({@code note}: "not available: ...").
 */
record Reading(Rule rule, Double value, String detail, String note) {
    static Reading of(Rule rule, double value, String detail) {
        return new Reading(rule, value, detail, null);
    }

    static Reading unavailable(Rule rule, String note) {
        return new Reading(rule, null, null, note);
    }

    boolean available() {
        return value != null;
    }
}
