package dev.classbase.ops.indexes;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The index advisor's bounds ({@code classbase.indexes.advisor.*}). {@code minCutPercent}: 50,
 * Dexter's default ({@code --min-cost-savings-pct 50}); {@code minRows}: 10,000 live rows,
 * PgHero's bound for "index usage", below which the heuristic (no HypoPG) suggests nothing; {@code
 * maxCandidates}: per table of a statement, each one an EXPLAIN. Out-of-range values are clamped
 * with a warning that names the setting.
 */
@ConfigurationProperties("classbase.indexes.advisor")
public record AdvisorProperties(
        @DefaultValue("20") int topStatements,
        @DefaultValue("50") double minCutPercent,
        @DefaultValue("10000") long minRows,
        @DefaultValue("12") int maxCandidates,
        @DefaultValue("5s") Duration statementTimeout) {
    private static final Logger log = LoggerFactory.getLogger(AdvisorProperties.class);

    static final int MAX_TOP_STATEMENTS = 500;

    public AdvisorProperties {
        topStatements = (int) clamp("top-statements", topStatements, 1, MAX_TOP_STATEMENTS);
        minCutPercent = clamp("min-cut-percent", minCutPercent, 0, 100);
        minRows = (long) clamp("min-rows", minRows, 0, Long.MAX_VALUE);
        maxCandidates = (int) clamp("max-candidates", maxCandidates, 1, 50);
        if (statementTimeout == null || statementTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            log.warn("classbase.indexes.advisor.statement-timeout={} is below 100ms; using 100ms", statementTimeout);
            statementTimeout = Duration.ofMillis(100);
        }
    }

    public static AdvisorProperties defaults() {
        return new AdvisorProperties(20, 50, 10_000, 12, Duration.ofSeconds(5));
    }

    public AdvisorProperties withMinCutPercent(double percent) {
        return new AdvisorProperties(topStatements, percent, minRows, maxCandidates, statementTimeout);
    }

    public AdvisorProperties withTopStatements(int top) {
        return new AdvisorProperties(top, minCutPercent, minRows, maxCandidates, statementTimeout);
    }

    public AdvisorProperties withMinRows(long rows) {
        return new AdvisorProperties(topStatements, minCutPercent, rows, maxCandidates, statementTimeout);
    }

    public AdvisorProperties withStatementTimeout(Duration timeout) {
        return new AdvisorProperties(topStatements, minCutPercent, minRows, maxCandidates, timeout);
    }

    private static double clamp(String name, double value, double min, double max) {
        if (Double.isNaN(value) || value < min || value > max) {
            double clamped = Double.isNaN(value) ? min : Math.max(min, Math.min(max, value));
            log.warn("classbase.indexes.advisor.{}={} is outside [{}, {}]; using {}", name, value, min, max, clamped);
            return clamped;
        }
        return value;
    }
}
