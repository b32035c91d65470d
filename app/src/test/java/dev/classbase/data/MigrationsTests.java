package dev.classbase.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.testsupport.TestCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reworded scripts: Flyway stores today's checksums on a new database, and a database
 * migrated before the rewording is accepted (its rows move to today's checksum), while any other
 * checksum is still refused by Flyway's validation.
 */
class MigrationsTests {
    private static DataSource db;

    @BeforeAll
    static void migrateAFreshDatabase() {
        db = TestCluster.shared().freshDatabase("migrations_test");
    }

    @Test
    void aNewDatabaseStoresTheRewordedScriptsChecksumsOfToday() throws SQLException {
        Map<String, Integer> stored = checksums();
        for (Migrations.Reworded script : Migrations.REWORDED) {
            assertThat(stored.get(script.version())).as("V" + script.version()).isEqualTo(script.now());
        }
    }

    @Test
    void aDatabaseMigratedBeforeTheRewordingIsAccepted() throws SQLException {
        for (Migrations.Reworded script : Migrations.REWORDED) {
            setChecksum(script.version(), script.before());
        }
        Migrations.apply(db);
        Map<String, Integer> stored = checksums();
        for (Migrations.Reworded script : Migrations.REWORDED) {
            assertThat(stored.get(script.version())).as("V" + script.version()).isEqualTo(script.now());
        }
    }

    @Test
    void anyOtherChecksumIsStillRefused() throws SQLException {
        Migrations.Reworded script = Migrations.REWORDED.getFirst();
        setChecksum(script.version(), script.before() + 1);
        try {
            assertThatThrownBy(() -> Migrations.apply(db))
                    .isInstanceOf(FlywayException.class)
                    .hasMessageContaining("checksum mismatch");
        } finally {
            setChecksum(script.version(), script.now());
        }
    }

    private static void setChecksum(String version, int checksum) throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate(
                    "UPDATE flyway_schema_history SET checksum = " + checksum + " WHERE version = '" + version + "'");
        }
    }

    private static Map<String, Integer> checksums() throws SQLException {
        Map<String, Integer> stored = new HashMap<>();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT version, checksum FROM flyway_schema_history WHERE version IS NOT NULL")) {
            while (rs.next()) {
                stored.put(rs.getString(1), rs.getInt(2));
            }
        }
        return stored;
    }
}
