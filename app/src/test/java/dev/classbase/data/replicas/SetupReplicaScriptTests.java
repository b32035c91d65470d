package dev.classbase.data.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.Migrations;
import dev.classbase.data.Probe;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.OsPostgresNode;
import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code infrastructure/replication/setup-replica.sh} on the OS's PostgreSQL 15, as an operator
 * runs it: a primary with password authentication and no replication line in pg_hba.conf, the
 * script's primary step, its replica step into an empty folder, the replica started on its copy.
 * Then classbase in external mode (the properties {@code CLASSBASE_DATABASE_URL} and {@code
 * CLASSBASE_REPLICA_URLS} become) sends its read-only work to that replica.
 */
class SetupReplicaScriptTests {
    private static final String REPLICATION_PASSWORD = "repl-'pw-$x";
    private static final String OWNER_PASSWORD = "owner-pw";
    private static final String APP_PASSWORD = "app-pw";

    private static OsPostgresNode primary;
    private static OsPostgresNode replica;
    private static Path script;
    private static OsPostgresNode.Result primaryStep;
    private static OsPostgresNode.Result replicaStep;

    @BeforeAll
    static void setUp() throws Exception {
        script = repositoryRoot().resolve("infrastructure/replication/setup-replica.sh");
        primary = OsPostgresNode.initdb(15, "primary");
        // only the script's line may admit a replication connection
        primary.keepHbaLines(line -> !line.matches("^\\s*(local|host)\\s+replication\\s.*"));
        primary.start();

        primaryStep = primaryStep();
        assertThat(primaryStep.exitCode()).as(primaryStep.output()).isZero();

        Path replicaDir = OsPostgresNode.ownedTempDir("classbase-replica-");
        Path replicaData = replicaDir.resolve("data");
        replica = OsPostgresNode.existing(15, replicaDir, replicaData, primary.superuserPassword());
        replicaStep = OsPostgresNode.asPostgres(
                replicaDir,
                Map.of(
                        "REPLICATION_PASSWORD",
                        REPLICATION_PASSWORD,
                        "PG_BIN",
                        OsPostgresNode.bin(15).toString()),
                Duration.ofMinutes(3),
                script.toString(),
                "replica",
                "--primary-host",
                "127.0.0.1",
                "--primary-port",
                Integer.toString(primary.port()),
                "--pgdata",
                replicaData.toString(),
                "--slot",
                "replica_a");
        assertThat(replicaStep.exitCode()).as(replicaStep.output()).isZero();
        replica.start();
    }

    @AfterAll
    static void tearDown() {
        if (replica != null) {
            replica.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    private static OsPostgresNode.Result primaryStep() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", Integer.toString(primary.port()));
        env.put("PGUSER", OsPostgresNode.SUPERUSER);
        env.put("PGPASSWORD", primary.superuserPassword());
        env.put("PGDATABASE", "postgres");
        env.put("REPLICATION_PASSWORD", REPLICATION_PASSWORD);
        env.put("PG_BIN", OsPostgresNode.bin(15).toString());
        return OsPostgresNode.asPostgres(
                primary.dir(),
                env,
                Duration.ofMinutes(1),
                script.toString(),
                "primary",
                "--replica-host",
                "127.0.0.1",
                "--slot",
                "replica_a");
    }

    @Test
    void thePrimaryHasAScramRoleAnHbaLineAndASlot() throws SQLException {
        DataSource su = primary.superuser("postgres");
        assertThat(one(su, "SELECT rolreplication AND rolcanlogin FROM pg_authid WHERE rolname = 'replicator'"))
                .isEqualTo("t");
        assertThat(one(su, "SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = 'replicator'"))
                .isEqualTo("SCRAM-SHA-256$");
        assertThat(one(su, """
                        SELECT string_agg(auth_method || ' ' || array_to_string(user_name, ',') || ' '
                                          || address || '/' || netmask, '; ')
                          FROM pg_hba_file_rules WHERE 'replication' = ANY (database)
                        """)).isEqualTo("scram-sha-256 replicator 127.0.0.1/255.255.255.255");
        assertThat(one(su, "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL"))
                .isEqualTo("0");
        assertThat(one(su, "SELECT slot_type FROM pg_replication_slots WHERE slot_name = 'replica_a'"))
                .isEqualTo("physical");
    }

    @Test
    void theReplicaStreamsThroughItsSlotAndReplaysWrites() throws Exception {
        DataSource su = primary.superuser("postgres");
        String streaming = Await.until(Duration.ofSeconds(60), () -> {
            String s = oneOrNull(su, "SELECT usename || ' ' || state FROM pg_stat_replication");
            return "replicator streaming".equals(s) ? s : null;
        });
        assertThat(streaming).as(replica.log()).isEqualTo("replicator streaming");
        assertThat(one(su, "SELECT active FROM pg_replication_slots WHERE slot_name = 'replica_a'"))
                .isEqualTo("t");
        assertThat(one(replica.superuser("postgres"), "SELECT pg_is_in_recovery()"))
                .isEqualTo("t");
        assertThat(Files.exists(replica.dataDir().resolve("standby.signal"))).isTrue();
        assertThat(Files.readString(replica.dataDir().resolve("postgresql.auto.conf")))
                .contains("primary_slot_name = 'replica_a'")
                .contains("user=replicator");

        try (Connection c = su.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS replicated (id int PRIMARY KEY)");
            s.execute("INSERT INTO replicated VALUES (7) ON CONFLICT DO NOTHING");
        }
        String seen = Await.until(
                Duration.ofSeconds(30),
                () -> oneOrNull(replica.superuser("postgres"), "SELECT id::text FROM replicated WHERE id = 7"));
        assertThat(seen).isEqualTo("7");
    }

    @Test
    void aWrongPasswordIsRefusedForReplication() {
        OsPostgresNode.Result wrong = replicationConnect("not-the-password");
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.output()).contains("password authentication failed for user \"replicator\"");
        OsPostgresNode.Result right = replicationConnect(REPLICATION_PASSWORD);
        assertThat(right.exitCode()).as(right.output()).isZero();
    }

    @Test
    void runningThePrimaryStepAgainChangesNothing() throws SQLException {
        OsPostgresNode.Result again = primaryStep();
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("already admits replicator");
        assertThat(one(
                        primary.superuser("postgres"),
                        "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY (database)"))
                .isEqualTo("1");
        assertThat(one(primary.superuser("postgres"), "SELECT count(*) FROM pg_replication_slots"))
                .isEqualTo("1");
    }

    @Test
    void theReplicaStepRefusesADataDirectoryInUse() {
        OsPostgresNode.Result refused = OsPostgresNode.asPostgres(
                replica.dir(),
                Map.of(
                        "REPLICATION_PASSWORD",
                        REPLICATION_PASSWORD,
                        "PG_BIN",
                        OsPostgresNode.bin(15).toString()),
                Duration.ofMinutes(1),
                script.toString(),
                "replica",
                "--primary-host",
                "127.0.0.1",
                "--primary-port",
                Integer.toString(primary.port()),
                "--pgdata",
                replica.dataDir().toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.output()).contains("is not empty");
    }

    @Test
    void classbaseInExternalModeReadsFromTheReplica() throws Exception {
        DataSource su = primary.superuser("postgres");
        try (Connection c = su.getConnection();
                Statement s = c.createStatement()) {
            // as docs/DATABASE_SCALING.md has an operator do it: the owner migrates, the service role serves
            s.execute("CREATE ROLE classbase LOGIN PASSWORD '" + OWNER_PASSWORD + "'");
            s.execute("CREATE ROLE classbase_app LOGIN NOINHERIT PASSWORD '" + APP_PASSWORD + "'");
            s.execute("CREATE DATABASE classbase OWNER classbase");
        }
        DataSource owner = primary.dataSource("classbase", "classbase", OWNER_PASSWORD);
        Migrations.apply(owner);
        Probe.createTable(owner);

        Map<String, Object> props = new LinkedHashMap<>();
        props.put("classbase.embedded", false);
        props.put("classbase.database.primary.name", "primary");
        props.put("classbase.database.primary.url", primary.jdbcUrl("classbase"));
        props.put("classbase.database.primary.username", "classbase_app");
        props.put("classbase.database.primary.password", APP_PASSWORD);
        props.put("classbase.database.replicas[0].name", "replica1");
        props.put("classbase.database.replicas[0].url", replica.jdbcUrl("classbase"));
        props.put("classbase.database.replicas[0].username", "classbase_app");
        props.put("classbase.database.replicas[0].password", APP_PASSWORD);
        for (String region : List.of("user", "catalog", "analytics", "static")) {
            props.put("classbase.cache.regions." + region + ".enabled", "false");
        }
        try (TestApp app = TestApp.start(props, Map.of(), Probe.class)) {
            Probe.awaitReplicasInRotation(app, 1);
            HttpResponse<String> written = app.send("POST", "/probe/rows", null, null, Map.of());
            assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
            String token = written.headers().firstValue("Classbase-Consistency").orElseThrow();
            long id = TestApp.json(written).path("id").asLong();
            // once the replica has replayed the write, the read with its token goes there
            HttpResponse<String> read = Await.until(Duration.ofSeconds(30), () -> {
                HttpResponse<String> r =
                        app.send("GET", "/probe/rows/" + id, null, null, Map.of("Classbase-Consistency", token));
                return r.headers()
                                .firstValue("Classbase-Read-Source")
                                .orElse("")
                                .equals("replica1")
                        ? r
                        : null;
            });
            assertThat(read).as("a read routed to replica1").isNotNull();
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(TestApp.json(read).at("/where/port").asInt()).isEqualTo(replica.port());
            assertThat(TestApp.json(read).at("/where/inRecovery").asBoolean()).isTrue();
            assertThat(TestApp.json(written).at("/where/port").asInt()).isEqualTo(primary.port());
        }
    }

    private static OsPostgresNode.Result replicationConnect(String password) {
        return OsPostgresNode.asPostgres(
                primary.dir(),
                Map.of("PGPASSWORD", password),
                Duration.ofSeconds(30),
                OsPostgresNode.bin(15).resolve("psql").toString(),
                "-X",
                "-At",
                "-c",
                "IDENTIFY_SYSTEM",
                "host=127.0.0.1 port=" + primary.port() + " user=replicator dbname=postgres replication=true");
    }

    private static String one(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).as(sql).isTrue();
            Object v = rs.getObject(1);
            return v instanceof Boolean b ? (b ? "t" : "f") : String.valueOf(v);
        }
    }

    private static String oneOrNull(DataSource ds, String sql) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            return null;
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
