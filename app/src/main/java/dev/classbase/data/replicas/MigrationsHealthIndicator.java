package dev.classbase.data.replicas;

import dev.classbase.data.JdbcUrls;
import dev.classbase.data.pool.Pools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.api.MigrationVersion;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Health component {@code migrations}, part of readiness: UP once the primary's schema history has
 * the newest script this build ships, so an instance never takes traffic on a schema older than its
 * code. Once UP it stays UP (an applied migration is never undone) and is not asked again.
 */
@Component
class MigrationsHealthIndicator implements HealthIndicator {
    private static final String APPLIED_VERSIONS = """
            SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL
            """;

    private final DataSource primary;
    private final MigrationVersion newest;
    private volatile boolean migrated;

    MigrationsHealthIndicator(Pools pools) {
        this.primary = pools.primary();
        this.newest = newestScript();
    }

    @Override
    public Health health() {
        if (migrated) {
            return Health.up().withDetail("version", newest.getVersion()).build();
        }
        MigrationVersion applied = MigrationVersion.EMPTY;
        try (Connection c = primary.getConnection();
                PreparedStatement ps = c.prepareStatement(APPLIED_VERSIONS)) {
            ps.setQueryTimeout(2);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    MigrationVersion v = MigrationVersion.fromVersion(rs.getString(1));
                    applied = v.compareTo(applied) > 0 ? v : applied;
                }
            }
        } catch (SQLException e) {
            return Health.down()
                    .withDetail("why", "cannot read the schema history on the primary")
                    .withDetail("error", JdbcUrls.mask(e.getMessage()))
                    .build();
        }
        if (applied.compareTo(newest) >= 0) {
            migrated = true;
            return Health.up().withDetail("version", applied.getVersion()).build();
        }
        return Health.down()
                .withDetail(
                        "why",
                        "the schema is at version " + applied.getVersion() + ", this build needs " + newest.getVersion()
                                + ": run ./classbase migrate")
                .build();
    }

    /** The highest V script under db/migration. */
    private static MigrationVersion newestScript() {
        try {
            MigrationVersion newest = MigrationVersion.EMPTY;
            for (Resource r :
                    new PathMatchingResourcePatternResolver().getResources("classpath*:db/migration/V*__*.sql")) {
                String name = r.getFilename();
                MigrationVersion v = MigrationVersion.fromVersion(
                        name.substring(1, name.indexOf("__")).replace('_', '.'));
                newest = v.compareTo(newest) > 0 ? v : newest;
            }
            return newest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
