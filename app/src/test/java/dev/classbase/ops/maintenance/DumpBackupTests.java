package dev.classbase.ops.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;

/**
 * The pg_dump path, which the embedded PostgreSQL 17 cannot take on this machine (its only pg_dump is
 * 15): against the OS's PostgreSQL 15 server, started here on a scratch folder, where pg_dump 15 fits.
 */
class DumpBackupTests {
    private static final Path PG15 = Path.of("/usr/lib/postgresql/15/bin");

    @Test
    void pgDumpOfAServerItFitsThenRestoreCheckInAScratchDatabase() throws Exception {
        assumeTrue(Files.isExecutable(PG15.resolve("postgres")), "the OS's PostgreSQL 15 is not installed");
        Path root =
                Path.of("target", "pg15-dump-" + ProcessHandle.current().pid()).toAbsolutePath();
        FileUtils.deleteDirectory(root.toFile());
        Path data = root.resolve("data");
        Files.createDirectories(root);
        run(command(
                "initdb", "-D", data.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"));
        int port = freePort();
        Process server = new ProcessBuilder(command(
                        "postgres",
                        "-D",
                        data.toString(),
                        "-p",
                        Integer.toString(port),
                        "-c",
                        "listen_addresses=127.0.0.1",
                        "-c",
                        "unix_socket_directories="))
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("server.log").toFile())
                .start();
        try {
            Login login = new Login("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", null);
            awaitUp(login, server);
            try (Connection c = login.connect();
                    Statement s = c.createStatement()) {
                s.execute("create table dump_rows (id bigint primary key, body text)");
                s.execute("insert into dump_rows select g, md5(g::text) from generate_series(1, 3000) g");
            }
            Backups backups = new Backups(
                    MaintenanceProperties.defaults(
                            root.resolve("backups"), 3, PG15.resolve("pg_dump").toString()),
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
            server.destroy();
            server.waitFor(60, TimeUnit.SECONDS);
            FileUtils.deleteDirectory(root.toFile());
        }
    }

    /** PostgreSQL refuses root: as the embedded cluster does, an unprivileged user namespace. */
    private static List<String> command(String program, String... args) {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(PG15.resolve(program).toString());
        command.addAll(List.of(args));
        return command;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    private static void awaitUp(Login login, Process server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && server.isAlive()) {
            try (Connection c = login.connect()) {
                return;
            } catch (SQLException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("PostgreSQL 15 did not start");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
