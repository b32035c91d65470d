package dev.classbase.testsupport;

import dev.classbase.cluster.Lifeline;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A server of the operating system's PostgreSQL (Debian's /usr/lib/postgresql/MAJOR) run as an
 * operator runs one: as the {@code postgres} OS user (through {@code runuser} when the tests run as
 * root), password authentication (scram-sha-256) on 127.0.0.1, a data directory in a temp folder
 * that user owns, on a free port. Unlike {@link OsPostgres} (trust, a user namespace), scripts meant
 * for real hosts ({@code infrastructure/replication}) can run against it unchanged.
 *
 * <p>A started server stops when {@link #close} closes its lifeline, when the JVM exits (a shutdown
 * hook closes every node still running), or when the JVM is killed (the lifeline's pipe closes).
 */
public final class OsPostgresNode implements AutoCloseable {
    /** The superuser's name; its password is {@link #superuserPassword()}. */
    public static final String SUPERUSER = "postgres";

    private static final Set<OsPostgresNode> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> List.copyOf(RUNNING).forEach(OsPostgresNode::close), "os-postgres"));
    }

    private final int major;
    private final Path dir;
    private final Path data;
    private final String superuserPassword;
    private Process process;
    private OutputStream lifeline;
    private int port;

    private OsPostgresNode(int major, Path dir, Path data, String superuserPassword) {
        this.major = major;
        this.dir = dir;
        this.data = data;
        this.superuserPassword = superuserPassword;
    }

    public static Path bin(int major) {
        return OsPostgres.bin(major);
    }

    /**
     * Returns when PostgreSQL {@code major} is installed, installing it with apt when it is missing
     * and this JVM may (root, or sudo without a password); otherwise aborts the test with the reason.
     */
    public static void requireInstalled(int major) {
        if (OsPostgres.installed(major)) {
            return;
        }
        String pkg = "postgresql-" + major;
        List<String> install = new ArrayList<>();
        if (!asRoot()) {
            install.addAll(List.of("sudo", "-n"));
        }
        install.addAll(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", pkg));
        String why;
        try {
            Process p = new ProcessBuilder(install)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            why = p.waitFor(600, TimeUnit.SECONDS) ? "apt-get exited " + p.exitValue() : "apt-get took over 10 min";
        } catch (IOException e) {
            why = "apt-get could not run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        Assumptions.assumeTrue(
                OsPostgres.installed(major),
                "PostgreSQL " + major + " is not under " + bin(major) + " and could not be installed (" + why
                        + "): apt-get install " + pkg);
    }

    /**
     * initdb in a fresh temp folder owned by the postgres OS user: scram-sha-256 for every TCP
     * connection (replication included), peer on the local socket, a random superuser password.
     */
    public static OsPostgresNode initdb(int major, String name) {
        requireInstalled(major);
        Path dir = ownedTempDir("classbase-" + name + "-");
        String password = "pw-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        Path pwfile = dir.resolve("superuser.pw");
        try {
            Files.writeString(pwfile, password + "\n");
            chown(pwfile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path data = dir.resolve("data");
        Result r = asPostgres(
                dir,
                Map.of(),
                Duration.ofMinutes(2),
                bin(major).resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                SUPERUSER,
                "--pwfile=" + pwfile,
                "--auth-host=scram-sha-256",
                "--auth-local=peer",
                "--encoding=UTF8",
                "--no-sync");
        if (r.exitCode() != 0) {
            throw new AssertionError("initdb failed:\n" + r.output());
        }
        return new OsPostgresNode(major, dir, data, password);
    }

    /** A node on a data directory made some other way (a base backup), in a folder of its own. */
    public static OsPostgresNode existing(int major, Path dir, Path data, String superuserPassword) {
        return new OsPostgresNode(major, dir, data, superuserPassword);
    }

    /** A fresh temp folder owned by the postgres OS user (when running as root). */
    public static Path ownedTempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            chown(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path dataDir() {
        return data;
    }

    public int port() {
        return port;
    }

    public String superuserPassword() {
        return superuserPassword;
    }

    /** Appends lines to the data directory's postgresql.conf (before {@link #start}). */
    public void appendConf(String text) {
        append(data.resolve("postgresql.conf"), text);
    }

    /** Rewrites pg_hba.conf without the lines the filter rejects. */
    public void keepHbaLines(java.util.function.Predicate<String> keep) {
        Path hba = data.resolve("pg_hba.conf");
        try {
            List<String> lines = Files.readAllLines(hba).stream().filter(keep).toList();
            Files.write(hba, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the server on a free port of 127.0.0.1 and waits until it accepts the superuser. */
    public OsPostgresNode start() {
        port = LocalPorts.free();
        List<String> cmd = new ArrayList<>();
        if (asRoot()) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(Lifeline.prefix());
        cmd.addAll(List.of(
                bin(major).resolve("postgres").toString(),
                "-D",
                data.toString(),
                "-p",
                Integer.toString(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "unix_socket_directories=" + dir));
        try {
            process = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("postgres.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lifeline = process.getOutputStream();
        RUNNING.add(this);
        try {
            Boolean up = Await.until(Duration.ofSeconds(60), () -> !process.isAlive() || accepts() ? true : null);
            if (up == null || !process.isAlive()) {
                String log = log();
                close();
                throw new AssertionError("PostgreSQL " + major + " on " + data + " did not start:\n" + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return this;
    }

    /** A login on a database of this server, over TCP with its password. */
    public DataSource dataSource(String database, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl(database));
        ds.setUser(user);
        ds.setPassword(password);
        ds.setConnectTimeout(5);
        return ds;
    }

    public DataSource superuser(String database) {
        return dataSource(database, SUPERUSER, superuserPassword);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The server's output so far (for assertion messages). */
    public String log() {
        try {
            Path file = dir.resolve("postgres.log");
            return Files.exists(file) ? Files.readString(file) : "(no output)";
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean accepts() {
        try (Connection c = superuser("postgres").getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Stops the server (fast shutdown) if it runs, and deletes its folder. */
    @Override
    public synchronized void close() {
        RUNNING.remove(this);
        try {
            if (process != null) {
                lifeline.close(); // the lifeline sends SIGINT: fast shutdown
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
                process = null;
            }
            FileUtils.deleteDirectory(dir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What a command printed and how it ended. */
    public record Result(int exitCode, String output) {}

    /**
     * Runs a command as the postgres OS user (as this user when not root), in {@code dir}, with
     * the environment plus {@code env}; stdout and stderr together.
     */
    public static Result asPostgres(Path dir, Map<String, String> env, Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        if (asRoot()) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("classbase-cmd", ".out");
            ProcessBuilder builder = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            Process p = builder.start();
            boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor();
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            if (!ended) {
                throw new AssertionError(String.join(" ", args) + " did not finish within " + timeout + ":\n" + output);
            }
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, "\n" + text + "\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chown(Path path) throws IOException {
        if (!asRoot()) {
            return;
        }
        UserPrincipal postgres =
                path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.toList()) {
                Files.setOwner(p, postgres);
            }
        }
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
