package dev.classbase.ops.maintenance;

import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.util.unit.DataSize;

/**
 * Maintenance ({@code classbase.maintenance.*}).
 *
 * <p>Thresholds follow the autovacuum daemon's formula (PostgreSQL manual, "The Autovacuum
 * Daemon"): a table is vacuumed when its dead tuples exceed {@code vacuum-threshold +
 * vacuum-scale-factor × live tuples}, analyzed when the rows changed since its last analyze exceed
 * {@code analyze-threshold + analyze-scale-factor × live tuples}; the defaults are the server's
 * (autovacuum_vacuum_threshold 50, autovacuum_vacuum_scale_factor 0.2, autovacuum_analyze_threshold
 * 50, autovacuum_analyze_scale_factor 0.1). So a run does what autovacuum would have done had it kept
 * up, and nothing on tables autovacuum has already handled.
 *
 * <p>An index is rebuilt when invalid, or when its bloat estimate (ops/indexes) is at least
 * {@code reindex-bloat-percent} of an index of at least {@code reindex-min-size}: the estimate is
 * rough, so only clear cases are rebuilt. {@code light-cron} (daily: vacuum and analyze) and
 * {@code full-cron} (weekly: also reindex and backup) are Spring cron expressions in {@code zone};
 * "-" switches a schedule off. Out-of-range values are clamped with a warning naming the setting; a
 * bad cron expression fails at start.
 */
@ConfigurationProperties("classbase.maintenance")
public record MaintenanceProperties(
        @DefaultValue("true") boolean schedulerEnabled,
        @DefaultValue("0 30 3 * * *") String lightCron,
        @DefaultValue("0 30 4 * * SUN") String fullCron,
        @DefaultValue("UTC") String zone,
        @DefaultValue("50") long vacuumThreshold,
        @DefaultValue("0.2") double vacuumScaleFactor,
        @DefaultValue("50") long analyzeThreshold,
        @DefaultValue("0.1") double analyzeScaleFactor,
        @DefaultValue("30") int reindexBloatPercent,
        @DefaultValue("10MB") DataSize reindexMinSize,
        @DefaultValue("var/backups") Path backupDirectory,
        @DefaultValue("7") int backupKeep,
        String pgDump,
        @DefaultValue("2h") Duration statementTimeout) {
    private static final Logger log = LoggerFactory.getLogger(MaintenanceProperties.class);

    public MaintenanceProperties {
        lightCron = cron("light-cron", lightCron);
        fullCron = cron("full-cron", fullCron);
        vacuumThreshold = clamp("vacuum-threshold", vacuumThreshold, 0, Integer.MAX_VALUE);
        analyzeThreshold = clamp("analyze-threshold", analyzeThreshold, 0, Integer.MAX_VALUE);
        vacuumScaleFactor = clamp("vacuum-scale-factor", vacuumScaleFactor, 0, 100);
        analyzeScaleFactor = clamp("analyze-scale-factor", analyzeScaleFactor, 0, 100);
        reindexBloatPercent = (int) clamp("reindex-bloat-percent", reindexBloatPercent, 1, 100);
        reindexMinSize = reindexMinSize == null ? DataSize.ofMegabytes(10) : reindexMinSize;
        backupDirectory = backupDirectory == null ? Path.of("var/backups") : backupDirectory;
        backupKeep = (int) clamp("backup-keep", backupKeep, 1, 1000);
        pgDump = pgDump == null || pgDump.isBlank() ? null : pgDump.trim();
        if (statementTimeout == null || statementTimeout.compareTo(Duration.ofMinutes(1)) < 0) {
            log.warn("classbase.maintenance.statement-timeout={} is under 1m; using 1m", statementTimeout);
            statementTimeout = Duration.ofMinutes(1);
        }
        try {
            java.time.ZoneId.of(zone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("classbase.maintenance.zone: '" + zone + "' is not a time zone");
        }
    }

    /** The defaults, as the command line uses them, with its backup folder. */
    public static MaintenanceProperties defaults(Path backupDirectory, int keep, String pgDump) {
        return new MaintenanceProperties(
                true,
                "0 30 3 * * *",
                "0 30 4 * * SUN",
                "UTC",
                50,
                0.2,
                50,
                0.1,
                30,
                DataSize.ofMegabytes(10),
                backupDirectory,
                keep,
                pgDump,
                Duration.ofHours(2));
    }

    /** "-" (Spring's "disabled") or a valid cron expression. */
    private static String cron(String setting, String value) {
        String v = value == null ? "-" : value.trim();
        if (!v.equals("-") && !CronExpression.isValidExpression(v)) {
            throw new IllegalArgumentException("classbase.maintenance." + setting + ": '" + value
                    + "' is not a cron expression (second minute hour day month weekday, e.g. 0 30 3 * * *) nor '-'");
        }
        return v;
    }

    private static long clamp(String setting, long value, long min, long max) {
        if (value < min || value > max) {
            long clamped = value < min ? min : max;
            log.warn("classbase.maintenance.{}={} is outside {}..{}; using {}", setting, value, min, max, clamped);
            return clamped;
        }
        return value;
    }

    private static double clamp(String setting, double value, double min, double max) {
        if (Double.isNaN(value) || value < min || value > max) {
            double clamped = Double.isNaN(value) || value < min ? min : max;
            log.warn("classbase.maintenance.{}={} is outside {}..{}; using {}", setting, value, min, max, clamped);
            return clamped;
        }
        return value;
    }
}
