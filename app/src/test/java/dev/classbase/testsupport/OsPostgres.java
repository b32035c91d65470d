package dev.classbase.testsupport;

import dev.classbase.cluster.Lifeline;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.commons.io.FileUtils;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A throwaway server of the operating system's PostgreSQL (the Debian packages under
 * /usr/lib/postgresql/MAJOR, with their contrib and extension packages such as hypopg), in a temp
 * folder on a free port, trust authentication on 127.0.0.1 only. PostgreSQL refuses to run as
 * root, so as root initdb and postgres run in a new user namespace ({@code unshare -U}), as the
 * embedded cluster does. The server stops when {@link #close} closes its lifeline (or when the JVM
 * dies and the lifeline closes by itself); the folder is deleted.
 */
public final class OsPostgres implements AutoCloseable {

    private final Path dir;
    private final Process process;
    private final OutputStream lifeline;
    private final int port;

    private OsPostgres(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.lifeline = process.getOutputStream();
        this.port = port;
    }

    public static Path bin(int major) {
        return Path.of("/usr/lib/postgresql/" + major + "/bin");
    }

    public static boolean installed(int major) {
        return Files.isExecutable(bin(major).resolve("postgres"))
                && Files.isExecutable(bin(major).resolve("initdb"));
    }

    /** initdb and start; {@code settings} become {@code -c name=value} (e.g. shared_preload_libraries). */
    public static OsPostgres start(int major, Map<String, String> settings) {
        if (!installed(major)) {
            throw new AssertionError("PostgreSQL " + major + " is not installed under " + bin(major)
                    + " (apt-get install postgresql-" + major + "; ./classbase test does it)");
        }
        try {
            Path dir = Files.createTempDirectory("classbase-pg" + major + "-");
            Path data = dir.resolve("data");
            run(
                    dir.resolve("initdb.log"),
                    command(
                            bin(major).resolve("initdb").toString(),
                            "-D",
                            data.toString(),
                            "-U",
                            "postgres",
                            "--auth=trust",
                            "--encoding=UTF8",
                            "--no-sync"));
            int port = LocalPorts.free();
            List<String> postgres = new ArrayList<>(List.of(
                    bin(major).resolve("postgres").toString(),
                    "-D",
                    data.toString(),
                    "-p",
                    Integer.toString(port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "unix_socket_directories=" + dir,
                    "-c",
                    "fsync=off"));
            settings.forEach((k, v) -> postgres.addAll(List.of("-c", k + "=" + v)));
            List<String> cmd = new ArrayList<>();
            if (asRoot()) {
                cmd.addAll(List.of("unshare", "-U"));
            }
            cmd.addAll(Lifeline.prefix());
            cmd.addAll(postgres);
            Process process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("postgres.log").toFile())
                    .start();
            OsPostgres server = new OsPostgres(dir, process, port);
            Boolean up = Await.until(Duration.ofSeconds(30), () -> server.accepts() ? Boolean.TRUE : null);
            if (up == null) {
                String log = Files.readString(dir.resolve("postgres.log"));
                server.close();
                throw new AssertionError("PostgreSQL " + major + " did not start:\n" + log);
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public int port() {
        return port;
    }

    /** The superuser {@code postgres} on a database of this server. */
    public DataSource dataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/" + database);
        ds.setUser("postgres");
        ds.setConnectTimeout(5);
        return ds;
    }

    /** Another role (created by the test) on a database of this server; trust authentication. */
    public DataSource dataSource(String database, String user) {
        PGSimpleDataSource ds = (PGSimpleDataSource) dataSource(database);
        ds.setUser(user);
        return ds;
    }

    /** The server's log so far (for assertion messages). */
    public String log() {
        try {
            return Files.readString(dir.resolve("postgres.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean accepts() {
        if (!process.isAlive()) {
            return true; // stop waiting; start() sees the dead process below
        }
        try (Connection c = dataSource("postgres").getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            lifeline.close(); // the lifeline sends SIGINT: fast shutdown
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            FileUtils.deleteDirectory(dir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        if (asRoot()) {
            cmd.addAll(List.of("unshare", "-U"));
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static void run(Path log, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(cmd.getFirst() + " did not finish in 120 s:\n" + Files.readString(log));
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(
                    String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
        }
    }
}
