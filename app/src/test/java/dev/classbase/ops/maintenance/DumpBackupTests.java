package dev.classbase.ops.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.OsPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;

/**
 * The pg_dump path, which the embedded PostgreSQL 17 cannot take on this machine (its only pg_dump is
 * 15): against the OS's PostgreSQL 15 server, started here on a scratch folder, where pg_dump 15 fits.
 */
class DumpBackupTests {
    @Test
    void pgDumpOfAServerItFitsThenRestoreCheckInAScratchDatabase() throws Exception {
        Path root = Files.createTempDirectory("classbase-dump-");
        try (OsPostgres server = OsPostgres.start(15, Map.of())) {
            Login login = new Login("jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres", "postgres", null);
            try (Connection c = login.connect();
                    Statement s = c.createStatement()) {
                s.execute("create table dump_rows (id bigint primary key, body text)");
                s.execute("insert into dump_rows select g, md5(g::text) from generate_series(1, 3000) g");
            }
            Backups backups = new Backups(
                    MaintenanceProperties.defaults(
                            root.resolve("backups"),
                            3,
                            OsPostgres.bin(15).resolve("pg_dump").toString()),
                    login,
                    Clock.systemUTC());
            Backups.Plan plan = backups.plan();
            assertThat(plan.method()).as(plan.why()).isEqualTo("pg_dump");

            BackupResult result = backups.run(plan);
            assertThat(result.checkPassed()).as(result.check()).isTrue();
            assertThat(result.check())
                    .startsWith("passed: restored into a scratch database")
                    .contains("public.dump_rows 3,000");
            assertThat(result.path().getFileName().toString()).matches("classbase-\\d{8}T\\d{6}Z\\.dump");
            // custom format: pg_restore's archive header
            assertThat(new String(Files.readAllBytes(result.path()), 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("PGDMP");
            try (Connection c = login.connect();
                    Statement s = c.createStatement();
                    var rs = s.executeQuery(
                            "select count(*) from pg_database where datname like 'classbase_restore_check_%'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the scratch database is dropped").isZero();
            }
        } finally {
            FileUtils.deleteDirectory(root.toFile());
        }
    }
}
