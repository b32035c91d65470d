package dev.classbase.ops.maintenance;

import dev.classbase.cluster.Lifeline;
import dev.classbase.cluster.PostgresBinaries;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL on a copy of a base backup, for the restore check: started with the
 * embedded binaries on a free loopback port, it replays the backup's WAL up to consistency (crash
 * recovery from the backup label) before it accepts connections. Runs under a lifeline as the
 * embedded cluster's servers do (cluster/PostgresServer): the shell stops it when this JVM ends, by
 * any path, so no scratch postmaster outlives the check.
 */
final class ScratchServer implements AutoCloseable {

    private final Path dataDir;
    private final Path log;
    private final int port;
    private Process process;
    private OutputStream lifeline;

    private ScratchServer(Path dataDir, Path log, int port) {
        this.dataDir = dataDir;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts PostgreSQL on {@code dataDir} and waits until {@code login} can connect to
     * {@code database}. The copy's own settings stay, but for the ones that would reach outside it.
     */
    static ScratchServer start(Path dataDir, Login login, String database, Duration timeout) throws IOException {
        ScratchServer server =
                new ScratchServer(dataDir, dataDir.resolveSibling(dataDir.getFileName() + ".log"), freePort());
        server.launch();
        server.awaitReady(login, database, timeout);
        return server;
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private void launch() throws IOException {
        PostgresBinaries binaries = PostgresBinaries.install();
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // PostgreSQL refuses root: as cluster/PostgresBinaries, an unprivileged user namespace
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(Lifeline.prefix());
        command.add(binaries.bin("postgres").toString());
        command.addAll(List.of("-D", dataDir.toString(), "-p", Integer.toString(port)));
        for (String setting : List.of(
                "listen_addresses=127.0.0.1",
                "unix_socket_directories=",
                "logging_collector=off",
                "archive_mode=off",
                "fsync=off",
                "max_connections=20",
                "shared_buffers=32MB")) {
            command.addAll(List.of("-c", setting));
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        lifeline = process.getOutputStream();
    }

    private void awaitReady(Login login, String database, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(
                        "the scratch server did not start (exit " + process.exitValue() + "):\n" + tail());
            }
            try (Connection c = login.connect(url(database))) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IOException("interrupted while the scratch server recovered");
            }
        }
        close();
        throw new IOException("the scratch server did not accept connections within " + timeout.toSeconds() + " s ("
                + (last == null ? "" : last.getMessage()) + "):\n" + tail());
    }

    /** Fast shutdown, through the lifeline; waits for the postmaster to exit. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        try {
            lifeline.close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Files.exists(dataDir.resolve("postmaster.pid")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } catch (IOException ignored) {
            // the shell is gone already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            process = null;
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    Path log() {
        return log;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
