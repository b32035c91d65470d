package dev.classbase.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL server process of the embedded cluster: its data directory, its port and its
 * lifetime. A server this process started is tied to it by a lifeline: the server runs under a small
 * shell that holds the read end of a pipe whose write end only this JVM holds; when the JVM ends, by
 * any path including SIGKILL, the pipe closes and the shell asks PostgreSQL for a fast shutdown. So
 * no postmaster outlives its owner.
 */
final class PostgresServer {
    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

    private final PostgresBinaries binaries;
    private final String name;
    private final Path dataDir;
    private final Path outFile;
    private Process process;
    private OutputStream lifeline;
    private int port;

    PostgresServer(PostgresBinaries binaries, String name, Path dataDir, Path outFile) {
        this.binaries = binaries;
        this.name = name;
        this.dataDir = dataDir;
        this.outFile = outFile;
    }

    String name() {
        return name;
    }

    Path dataDir() {
        return dataDir;
    }

    int port() {
        return port;
    }

    boolean initialized() {
        return Files.exists(dataDir.resolve("PG_VERSION"));
    }

    void initdb(String superuserPassword) {
        Path pwfile = null;
        try {
            Files.createDirectories(dataDir.getParent());
            pwfile = Files.createTempFile(dataDir.getParent(), "pw", ".txt");
            Files.writeString(pwfile, superuserPassword + "\n");
            run(
                    binaries.command(
                            "initdb",
                            "-D",
                            dataDir.toString(),
                            "-U",
                            "postgres",
                            "--pwfile=" + pwfile,
                            "--auth-host=scram-sha-256",
                            "--auth-local=scram-sha-256",
                            "-E",
                            "UTF8",
                            "--locale=C.UTF-8",
                            "--data-checksums"),
                    Duration.ofMinutes(2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (pwfile != null) {
                try {
                    Files.deleteIfExists(pwfile);
                } catch (IOException ignored) {
                    // best effort: the file lives in our own 0700 folder
                }
            }
        }
    }

    /**
     * Checks that the data directory holds a PostgreSQL 17 cluster we can start, without changing it.
     */
    void validate() {
        Path version = dataDir.resolve("PG_VERSION");
        if (!Files.exists(version)) {
            throw new ClusterException(dataDir + " is not a PostgreSQL data directory (no PG_VERSION); "
                    + "move it away or set CLASSBASE_DATA_DIR to another folder. Nothing was changed.");
        }
        String major;
        try {
            major = Files.readString(version).trim();
        } catch (IOException e) {
            throw new ClusterException("cannot read " + version + ": " + e.getMessage());
        }
        if (!PostgresBinaries.MAJOR.equals(major)) {
            throw new ClusterException(dataDir + " holds a PostgreSQL " + major + " cluster; the embedded server is "
                    + "PostgreSQL " + PostgresBinaries.MAJOR
                    + ". Upgrade it with pg_upgrade, or set CLASSBASE_DATA_DIR "
                    + "to another folder. Nothing was changed.");
        }
        if (!Files.exists(dataDir.resolve("global").resolve("pg_control"))) {
            throw new ClusterException(dataDir + " is corrupt (global/pg_control is missing); restore it from a "
                    + "backup or set CLASSBASE_DATA_DIR to another folder. Nothing was changed.");
        }
    }

    /** The pid in postmaster.pid when that process is alive and is a postgres, else empty. */
    Optional<Long> runningPid() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return Optional.empty();
            }
            String cmdline = Files.exists(Path.of("/proc", Long.toString(pid), "cmdline"))
                    ? Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"))
                    : handle.get().info().command().orElse("");
            return cmdline.contains("postgres") ? Optional.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The port a running server listens on, read from its postmaster.pid. */
    Optional<Integer> runningPort() {
        if (runningPid().isEmpty()) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            return lines.size() > 3 ? Optional.of(Integer.parseInt(lines.get(3).trim())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Removes a postmaster.pid left by a server that was killed: its pid is gone or belongs to another
     * program now. PostgreSQL would refuse to start while a reused pid looks alive.
     */
    boolean recoverStalePidFile() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (Files.exists(pidFile) && runningPid().isEmpty()) {
            try {
                Files.delete(pidFile);
                log.warn("{}: removed a stale postmaster.pid left by a server that did not stop cleanly", name);
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return false;
    }

    void start(int port, Duration timeout, ConnectionCheck ready) {
        start(port, timeout, ready, false);
    }

    /**
     * Starts the server tied to this JVM by a lifeline, or, {@code detached}, in a session of its
     * own ({@code setsid}, as {@code pg_ctl start} leaves a postmaster): it outlives this JVM and
     * a Ctrl-C of the terminal, and {@link #stopRunning} stops it later from any process.
     */
    void start(int port, Duration timeout, ConnectionCheck ready, boolean detached) {
        this.port = port;
        if (!portFree(port)) {
            throw new ClusterException(name + ": port " + port + " is in use");
        }
        recoverStalePidFile();
        List<String> command = new ArrayList<>();
        if (detached) {
            command.add("setsid");
        }
        if (binaries.asRoot()) {
            command.addAll(List.of("unshare", "-U"));
        }
        if (!detached) {
            command.addAll(Lifeline.prefix());
        }
        command.add(binaries.bin("postgres").toString());
        command.addAll(List.of("-D", dataDir.toString(), "-p", Integer.toString(port)));
        Process started;
        try {
            Files.createDirectories(outFile.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile.toFile()));
            if (!detached) {
                builder.redirectInput(ProcessBuilder.Redirect.PIPE);
            }
            started = builder.start();
            if (!detached) {
                process = started;
                lifeline = process.getOutputStream();
            }
        } catch (IOException e) {
            throw new ClusterException(name + ": cannot start postgres: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!started.isAlive()) {
                throw new ClusterException(name + " failed to start (exit " + started.exitValue() + "):\n" + tail());
            }
            try {
                ready.check(port);
                log.info("{} is up on 127.0.0.1:{} ({})", name, port, dataDir);
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(100);
        }
        if (detached) {
            stopRunning();
        } else {
            stop();
        }
        throw new ClusterException(name + " did not accept connections within " + timeout.toSeconds() + " s"
                + (last != null ? " (" + last.getMessage() + ")" : "") + ":\n" + tail());
    }

    /** Takes the port of a server another process runs, without owning it. */
    void adoptRunning() {
        this.port = runningPort().orElseThrow(() -> new ClusterException(name + " is not running"));
    }

    /** Takes the port a server that is not running last used, so it is named where it would be. */
    void adoptPort(int lastPort) {
        this.port = lastPort;
    }

    /**
     * Fast shutdown (SIGINT) of the server running in the data directory, whoever started it;
     * waits for the postmaster to exit (its shutdown checkpoint included).
     */
    void stopRunning() {
        Optional<Long> pid = runningPid();
        if (pid.isEmpty()) {
            return;
        }
        signal("INT", pid.get());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean quit = false;
        while (ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                if (quit) {
                    throw new ClusterException(name + " (pid " + pid.get() + ") did not stop; see " + outFile);
                }
                signal("QUIT", pid.get()); // immediate shutdown: crash recovery on the next start
                quit = true;
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            }
            sleep(50);
        }
        log.info("{} stopped", name);
    }

    boolean owned() {
        return process != null;
    }

    /** Fast shutdown (SIGINT) of a server this process started; waits for it to exit. */
    void stop() {
        if (process == null) {
            return;
        }
        Optional<Long> pid = runningPid();
        pid.ifPresent(p -> signal("INT", p));
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                pid.ifPresent(p -> signal("QUIT", p));
                process.waitFor(10, TimeUnit.SECONDS);
            }
            // the postmaster may still be writing its shutdown checkpoint after the shell returned
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (pid.isPresent()
                    && ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)
                    && System.nanoTime() < deadline) {
                sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                lifeline.close();
            } catch (IOException ignored) {
                // the shell is gone already
            }
            process = null;
            log.info("{} stopped", name);
        }
    }

    /** Kills the server without a shutdown, as a crash would: for tests of crash recovery. */
    void crash() {
        runningPid().ifPresent(p -> signal("KILL", p));
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    String tail() {
        try {
            if (!Files.exists(outFile)) {
                return "(no output)";
            }
            List<String> lines = Files.readAllLines(outFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + outFile + ")";
        }
    }

    static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Connection connect(int port, String database, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5");
        props.setProperty("ApplicationName", "classbase-cluster");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }

    private static void signal(String signal, long pid) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(List<String> command, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new ClusterException(name + ": "
                        + String.join(" ", command.subList(0, Math.min(3, command.size()))) + " failed:\n"
                        + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(name + ": interrupted");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while waiting for PostgreSQL");
        }
    }

    @FunctionalInterface
    interface ConnectionCheck {
        void check(int port) throws SQLException;
    }
}
