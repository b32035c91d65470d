package dev.classbase.ops.tune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.Migrations;
import dev.classbase.testsupport.OsPostgresNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code infrastructure/postgresql/postgresql.conf} on a real server: the OS's PostgreSQL 15 starts
 * with the file included as shipped (its memory scaled down by a small include after it, as a test
 * box is no 8GB database server), every setting the file names takes effect, and
 * pg_stat_statements, which the file preloads, is created by the migrations and counts statements.
 */
class ShippedConfTests {
    /** What the test box overrides: memory sized for the 8GB reference machine. */
    private static final Set<String> SCALED_DOWN = Set.of("shared_buffers", "effective_cache_size");

    private static OsPostgresNode server;

    @BeforeAll
    static void start() {
        server = OsPostgresNode.initdb(15, "conf");
        Path shipped = repositoryRoot().resolve(TuningConf.SHIPPED_FILE).toAbsolutePath();
        server.appendConf("include '" + shipped + "'\n"
                + "# a test box, not the 8GB reference machine\n"
                + "shared_buffers = 128MB\n"
                + "effective_cache_size = 1GB\n");
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everySettingOfTheShippedFileTakesEffect() throws SQLException {
        List<Recommendation> shipped = Tuning.recommend(TuningInputs.REFERENCE);
        List<String> names = shipped.stream().map(Recommendation::name).toList();
        Map<String, SettingsQueries.Current> now = SettingsQueries.current(server.superuser("postgres"), names);
        List<String> wrong = new ArrayList<>();
        for (Recommendation r : shipped) {
            if (SCALED_DOWN.contains(r.name())) {
                continue;
            }
            SettingsQueries.Current c = now.get(r.name());
            if (c == null || !Units.same(c.value(), r.value())) {
                wrong.add(r.name() + ": " + (c == null ? "unknown to the server" : c.value()) + ", file says "
                        + r.value());
            }
        }
        assertThat(wrong).as(server.log()).isEmpty();
        assertThat(show("shared_preload_libraries")).isEqualTo("pg_stat_statements,auto_explain");
        assertThat(show("track_io_timing")).isEqualTo("on");
        assertThat(show("wal_level")).isEqualTo("replica");
        assertThat(show("log_min_duration_statement")).isEqualTo("1s");
        assertThat(show("log_lock_waits")).isEqualTo("on");
        assertThat(show("auto_explain.log_min_duration")).isEqualTo("-1");
        assertThat(show("shared_buffers")).isEqualTo("128MB");
    }

    @Test
    void theMigrationsCreatePgStatStatementsWhichThenCountsStatements() throws SQLException {
        try (Connection c = server.superuser("postgres").getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS conf_migrated");
            s.execute("CREATE DATABASE conf_migrated");
        }
        DataSource db = server.superuser("conf_migrated");
        Migrations.apply(db);
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs =
                    s.executeQuery("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("created by V78").isOne();
            }
            s.execute("SELECT count(*) FROM flyway_schema_history WHERE version = '78'");
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT calls FROM pg_stat_statements
                     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                       AND query LIKE '%flyway_schema_history WHERE version = $1%'
                    """);
                    ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("the statement just run is counted").isTrue();
                assertThat(rs.getLong(1)).isPositive();
            }
        }
    }

    @Test
    void aRoleThatMayNotCreateItIsToldAndTheMigrationsStillApply() throws SQLException {
        try (Connection c = server.superuser("postgres").getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS conf_owner");
            s.execute("DROP ROLE IF EXISTS conf_owner");
            s.execute("CREATE ROLE conf_owner LOGIN PASSWORD 'conf-owner-pw'");
            s.execute("CREATE DATABASE conf_owner OWNER conf_owner");
        }
        DataSource db = server.dataSource("conf_owner", "conf_owner", "conf-owner-pw");
        Migrations.apply(db);
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'")) {
            rs.next();
            assertThat(rs.getInt(1))
                    .as("not a superuser: skipped with a notice")
                    .isZero();
        }
    }

    private static String show(String name) throws SQLException {
        try (Connection c = server.superuser("postgres").getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("infrastructure"))) {
            dir = dir.getParent();
        }
        assertThat(dir)
                .as("repository root above " + Path.of("").toAbsolutePath())
                .isNotNull();
        return dir;
    }
}
