package dev.classbase.ops.kernel;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The database console's thresholds and time limits ({@code classbase.console.*}). Defaults are
 * PgHero's where it has one (long-running 60 s, slow mean 20 ms over 100 calls, cache hit 99 %/95 %,
 * sequences 90 %); out-of-range values are clamped with a warning that names the setting.
 */
@ConfigurationProperties("classbase.console")
public record ConsoleProperties(
        @DefaultValue("60s") Duration longRunning,
        @DefaultValue("20") double slowMeanMs,
        @DefaultValue("100") long slowMinCalls,
        @DefaultValue("1000") double criticalMeanMs,
        @DefaultValue("80") double connectionsPercent,
        @DefaultValue("1s") Duration idleInTransaction,
        @DefaultValue("99") double cacheHitAmber,
        @DefaultValue("95") double cacheHitRed,
        @DefaultValue("5s") Duration replicationLagAmber,
        @DefaultValue("60s") Duration replicationLagRed,
        @DefaultValue("90") double sequencePercent,
        @DefaultValue("5s") Duration checkTimeout,
        @DefaultValue("10s") Duration explainTimeout) {
    private static final Logger log = LoggerFactory.getLogger(ConsoleProperties.class);

    public ConsoleProperties {
        longRunning = atLeast("long-running", longRunning, Duration.ofSeconds(1));
        idleInTransaction = atLeast("idle-in-transaction", idleInTransaction, Duration.ofMillis(100));
        replicationLagAmber = atLeast("replication-lag-amber", replicationLagAmber, Duration.ofMillis(100));
        replicationLagRed = atLeast("replication-lag-red", replicationLagRed, replicationLagAmber);
        checkTimeout = atLeast("check-timeout", checkTimeout, Duration.ofMillis(100));
        explainTimeout = atLeast("explain-timeout", explainTimeout, Duration.ofMillis(100));
        slowMeanMs = percentOrPositive("slow-mean-ms", slowMeanMs, 0, Double.MAX_VALUE);
        criticalMeanMs = percentOrPositive("critical-mean-ms", criticalMeanMs, slowMeanMs, Double.MAX_VALUE);
        slowMinCalls = Math.max(1, slowMinCalls);
        connectionsPercent = percentOrPositive("connections-percent", connectionsPercent, 1, 100);
        cacheHitAmber = percentOrPositive("cache-hit-amber", cacheHitAmber, 0, 100);
        cacheHitRed = percentOrPositive("cache-hit-red", cacheHitRed, 0, cacheHitAmber);
        sequencePercent = percentOrPositive("sequence-percent", sequencePercent, 1, 100);
    }

    /** Defaults for tests and tools that build the console without Spring. */
    public static ConsoleProperties defaults() {
        return new ConsoleProperties(
                Duration.ofSeconds(60),
                20,
                100,
                1000,
                80,
                Duration.ofSeconds(1),
                99,
                95,
                Duration.ofSeconds(5),
                Duration.ofSeconds(60),
                90,
                Duration.ofSeconds(5),
                Duration.ofSeconds(10));
    }

    public ConsoleProperties withExplainTimeout(Duration timeout) {
        return new ConsoleProperties(
                longRunning,
                slowMeanMs,
                slowMinCalls,
                criticalMeanMs,
                connectionsPercent,
                idleInTransaction,
                cacheHitAmber,
                cacheHitRed,
                replicationLagAmber,
                replicationLagRed,
                sequencePercent,
                checkTimeout,
                timeout);
    }

    private static Duration atLeast(String name, Duration value, Duration min) {
        if (value == null || value.compareTo(min) < 0) {
            log.warn("classbase.console.{}={} is below {}; using {}", name, value, min, min);
            return min;
        }
        return value;
    }

    private static double percentOrPositive(String name, double value, double min, double max) {
        if (value < min || value > max || Double.isNaN(value)) {
            double clamped = Double.isNaN(value) ? min : Math.max(min, Math.min(max, value));
            log.warn("classbase.console.{}={} is outside [{}, {}]; using {}", name, value, min, max, clamped);
            return clamped;
        }
        return value;
    }
}
