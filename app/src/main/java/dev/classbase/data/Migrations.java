package dev.classbase.data;

import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the Flyway scripts under {@code db/migration}: on the primary only, before the server
 * takes requests. Scripts that build indexes concurrently are non-transactional (Flyway detects
 * {@code CREATE INDEX CONCURRENTLY} and runs them outside a transaction).
 *
 * <p>Flyway's migration lock is a session-level advisory lock here, not its default
 * transaction-level one: a concurrent index build waits for every open transaction to end,
 * including the one that would hold Flyway's transactional lock, so with the default the first
 * {@code CREATE INDEX CONCURRENTLY} waits forever (flyway/flyway#3682).
 */
public final class Migrations {
    private Migrations() {}

    public static MigrateResult apply(DataSource primary) {
        return Flyway.configure()
                .dataSource(primary)
                .locations("classpath:db/migration")
                .mixed(true)
                .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
                .load()
                .migrate();
    }
}
