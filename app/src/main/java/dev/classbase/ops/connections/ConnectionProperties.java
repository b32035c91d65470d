package dev.classbase.ops.connections;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Connections page ({@code classbase.console.connections.*}): whether admins may cancel and
 * terminate backends from the console ({@code actions-enabled}, on by default; off for a read-only
 * console), and how much of a live query's text is shown ({@code query-chars}, clamped to 100..10000;
 * PostgreSQL keeps {@code track_activity_query_size}, 1 kB by default, anyway).
 */
@ConfigurationProperties("classbase.console.connections")
record ConnectionProperties(
        @DefaultValue("true") boolean actionsEnabled,
        @DefaultValue("1000") int queryChars) {
    ConnectionProperties {
        queryChars = Math.max(100, Math.min(10_000, queryChars));
    }
}
