package dev.classbase.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * Applies the Flyway scripts under {@code db/migration}: on the primary only, before the server
 * takes requests. Scripts that build indexes concurrently are non-transactional (Flyway detects
 * {@code CREATE INDEX CONCURRENTLY} and runs them outside a transaction).
 *
 * <p>Flyway's migration lock is a session-level advisory lock here, not its default
 * transaction-level one: a concurrent index build waits for every open transaction to end,
 * including the one that would hold Flyway's transactional lock, so with the default the first
 * {@code CREATE INDEX CONCURRENTLY} waits forever (flyway/flyway#3682).
 *
 * <p>An applied script never changes, with one exception: its comments may be reworded. Flyway's
 * checksum covers comments too, so {@link #REWORDED} lists each such script with its checksum before
 * and after, and {@link #apply} moves a history row from the one to the other before Flyway validates.
 * A row with any other checksum is left for Flyway's validation to refuse, as it should.
 */
public final class Migrations {
    /** A script whose comments were reworded after release: Flyway's checksum before and now. */
    record Reworded(String version, int before, int now) {}

    static final List<Reworded> REWORDED = List.of(
            new Reworded("1", -1809559737, -1692931490),
            new Reworded("2", -1757028192, -584411134),
            new Reworded("5", 664023167, 1672110859),
            new Reworded("6", -1155971916, 1638442434),
            new Reworded("7", 1532890374, 1750164774),
            new Reworded("10", -998209843, 295088699),
            new Reworded("12", -1171274119, -1260065980),
            new Reworded("13", -1938175448, 6540310),
            new Reworded("21", -565622088, 462356249),
            new Reworded("40", -1639936046, 1733715951),
            new Reworded("63", -1072962112, -201091700),
            new Reworded("71", -1088410120, 1952350909));

    private Migrations() {}

    public static MigrateResult apply(DataSource primary) {
        acceptRewordedComments(primary);
        Flyway flyway = Flyway.configure()
                .dataSource(primary)
                .locations("classpath:db/migration")
                .mixed(true)
                .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
                .load();
        MigrationInfoService info = flyway.info();
        boolean failed = Arrays.stream(info.all()).anyMatch(m -> m.getState().isFailed());
        if (info.pending().length == 0 && !failed) {
            // nothing to apply: no migration lock is taken. Through PgBouncer's transaction pooling a
            // session-level advisory lock and its unlock can land on two server connections, and the
            // lock would stay held on one of them (PgBouncer's docs, "SQL feature map for pooling
            // modes"); so instances start through PgBouncer on a schema migrated directly. The
            // applied scripts are still validated, as migrate would (a changed checksum is refused).
            ValidateResult validated = flyway.validateWithResult();
            if (!validated.validationSuccessful) {
                throw new FlywayException(validated.getAllErrorMessages());
            }
            MigrateResult none = new MigrateResult();
            none.success = true;
            none.initialSchemaVersion =
                    info.current() == null ? null : info.current().getVersion().getVersion();
            none.targetSchemaVersion = none.initialSchemaVersion;
            return none;
        }
        return flyway.migrate();
    }

    /** Moves the history rows of {@link #REWORDED} scripts from their old checksum to the new one. */
    static int acceptRewordedComments(DataSource primary) {
        try (Connection c = primary.getConnection()) {
            try (PreparedStatement exists =
                            c.prepareStatement("SELECT to_regclass('flyway_schema_history') IS NOT NULL");
                    ResultSet rs = exists.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return 0; // a new database: Flyway creates the history with today's checksums
                }
            }
            int moved = 0;
            try (PreparedStatement update = c.prepareStatement("""
                    UPDATE flyway_schema_history SET checksum = ?
                    WHERE version = ? AND checksum = ? AND success
                    """)) {
                for (Reworded script : REWORDED) {
                    update.setInt(1, script.now());
                    update.setString(2, script.version());
                    update.setInt(3, script.before());
                    moved += update.executeUpdate();
                }
            }
            return moved;
        } catch (SQLException e) {
            throw new FlywayException("cannot read Flyway's schema history: " + e.getMessage(), e);
        }
    }
}
