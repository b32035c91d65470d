package dev.classbase.data;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the Flyway scripts under {@code db/migration}: on the primary only, before the server
 * takes requests. Scripts that build indexes concurrently are non-transactional (Flyway detects
 * {@code CREATE INDEX CONCURRENTLY} and runs them outside a transaction).
 */
public final class Migrations {
    private Migrations() {}

    public static MigrateResult apply(DataSource primary) {
        return Flyway.configure()
                .dataSource(primary)
                .locations("classpath:db/migration")
                .mixed(true)
                .load()
                .migrate();
    }
}
