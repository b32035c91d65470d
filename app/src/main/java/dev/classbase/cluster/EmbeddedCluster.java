package dev.classbase.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 primary with 0 to 3 streaming replicas, from the binaries shipped in the
 * jar, kept under one folder across restarts.
 *
 * <p>The first process to open the folder owns the cluster (an OS file lock on {@code
 * cluster.lock}) and stops it on close; any other process, such as {@code classbase seed} while
 * {@code serve} runs, attaches to the running servers and leaves them running.
 *
 * <p>{@link #startDetached} ({@code classbase db start}) starts the servers in sessions of their own
 * instead, as {@code pg_ctl start} does, and marks the folder {@code detached}: they outlive the
 * command, every process (several {@code serve} instances among them) attaches to them, and only
 * {@link #stopDetached} ({@code classbase db stop}) stops them.
 *
 * <p>Attaching needs the primary only: a replica that is down is named with the port it last used,
 * so commands that work on the primary keep working on a degraded cluster.
 */
public final class EmbeddedCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedCluster.class);
    public static final String DATABASE = "classbase";
    /** Owns the schema; migrations and the data generator run as this role. */
    public static final String OWNER_ROLE = "classbase";
    /**
     * The role the server's pools log in as: owns no table, so row-level security applies to it
     * (a table owner would bypass the policies).
     */
    public static final String SERVICE_ROLE = "classbase_app";
    /** The role the database console's EXPLAIN runs as, below the service role (migration V73). */
    public static final String EXPLAIN_ROLE = "classbase_explain";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** Present while the servers run on their own, started by {@link #startDetached}. */
    private static final String DETACHED_MARKER = "detached";

    private final ClusterConfig config;
    private final ClusterState state;
    private final PostgresBinaries binaries;
    private final PostgresServer primary;
    private final List<PostgresServer> replicas = new ArrayList<>();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean detached;
    private boolean created;
    private volatile boolean closed;

    private EmbeddedCluster(ClusterConfig config, FileChannel lockChannel, FileLock lock, boolean detached) {
        this.config = config;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.detached = detached;
        this.state = ClusterState.load(config.dir());
        this.binaries = PostgresBinaries.install();
        this.primary = new PostgresServer(binaries, "primary", config.dir().resolve("primary"), logFile("primary"));
        for (int i = 1; i <= config.replicas(); i++) {
            replicas.add(new PostgresServer(
                    binaries, replicaName(i), config.dir().resolve(replicaName(i)), logFile(replicaName(i))));
        }
    }

    /** Starts the cluster in the folder, creating it on first use, or attaches to it when it runs. */
    public static EmbeddedCluster start(ClusterConfig config) {
        try {
            Files.createDirectories(config.dir());
            Files.setPosixFilePermissions(config.dir(), PosixFilePermissions.fromString("rwx------"));
            FileChannel channel = FileChannel.open(
                    config.dir().resolve("cluster.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock != null && runsDetached(config)) {
                lock.release(); // the servers run on their own: attach, as to another owner's
                lock = null;
            } else if (lock != null) {
                Files.deleteIfExists(config.dir().resolve(DETACHED_MARKER)); // its primary is gone
            }
            EmbeddedCluster cluster = new EmbeddedCluster(config, channel, lock, false);
            if (lock == null) {
                cluster.attach();
            } else {
                cluster.boot();
            }
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the cluster folder " + config.dir(), e);
        }
    }

    /**
     * Attaches to the cluster in the folder when another process runs it; empty when it is stopped
     * (nothing is started).
     */
    public static java.util.Optional<EmbeddedCluster> attachIfRunning(ClusterConfig config) {
        Path lockFile = config.dir().resolve("cluster.lock");
        if (!Files.exists(lockFile)) {
            return java.util.Optional.empty();
        }
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
            FileLock probe;
            try {
                probe = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                probe = null;
            }
            if (probe != null) {
                probe.release();
                if (!runsDetached(config)) {
                    channel.close();
                    return java.util.Optional.empty();
                }
            }
            EmbeddedCluster cluster = new EmbeddedCluster(config, channel, null, false);
            cluster.attach();
            return java.util.Optional.of(cluster);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the cluster's servers on their own ({@code classbase db start}), creating the cluster on
     * first use; servers already running on their own are kept and missing ones started. Refused
     * while another classbase process owns the cluster. The servers keep running after {@link
     * #close}.
     */
    public static EmbeddedCluster startDetached(ClusterConfig config) {
        try {
            Files.createDirectories(config.dir());
            Files.setPosixFilePermissions(config.dir(), PosixFilePermissions.fromString("rwx------"));
            FileChannel channel = FileChannel.open(
                    config.dir().resolve("cluster.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                channel.close();
                throw new ClusterException("the cluster in " + config.dir() + " is run by another classbase process "
                        + "(serve, or a command that started it); stop that process first");
            }
            EmbeddedCluster cluster = new EmbeddedCluster(config, channel, lock, true);
            try {
                cluster.boot();
                Files.writeString(
                        config.dir().resolve(DETACHED_MARKER),
                        "servers started by classbase db start; stop them with classbase db stop\n");
            } catch (RuntimeException e) {
                cluster.servers().forEach(PostgresServer::stopRunning);
                cluster.close();
                throw e;
            }
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the cluster folder " + config.dir(), e);
        }
    }

    /**
     * Stops the servers {@link #startDetached} left running ({@code classbase db stop}): fast
     * shutdown, replicas first. False when none was running. Refused while another classbase
     * process owns the cluster (that process stops it when it ends).
     */
    public static boolean stopDetached(ClusterConfig config) {
        Path lockFile = config.dir().resolve("cluster.lock");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new ClusterException("the cluster in " + config.dir() + " is run by another classbase process "
                        + "(serve, or a command that started it), which stops it when it ends; stop that process");
            }
            EmbeddedCluster cluster = new EmbeddedCluster(config, channel, lock, true);
            boolean any = false;
            for (PostgresServer server : cluster.servers()) {
                any |= server.runningPid().isPresent();
                server.stopRunning();
            }
            Files.deleteIfExists(config.dir().resolve(DETACHED_MARKER));
            lock.release();
            return any;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /** The folder is marked detached and its primary runs; a stale mark (primary gone) counts as not. */
    private static boolean runsDetached(ClusterConfig config) {
        if (!Files.exists(config.dir().resolve(DETACHED_MARKER))) {
            return false;
        }
        PostgresServer primary = new PostgresServer(
                null, "primary", config.dir().resolve("primary"), config.dir().resolve("logs/primary.out"));
        return primary.runningPid().isPresent();
    }

    /** Replicas first, then the primary: the order to stop them in. */
    private List<PostgresServer> servers() {
        List<PostgresServer> all = new ArrayList<>(replicas);
        all.add(primary);
        return all;
    }

    /** The postmaster's pid of each running server ({@code primary}, {@code replica1}, ...). */
    public java.util.Map<String, Long> runningPids() {
        java.util.Map<String, Long> pids = new java.util.LinkedHashMap<>();
        primary.runningPid().ifPresent(pid -> pids.put(primary.name(), pid));
        replicas.forEach(r -> r.runningPid().ifPresent(pid -> pids.put(r.name(), pid)));
        return pids;
    }

    /** True when the servers run on their own ({@code classbase db start}), not inside a process. */
    public boolean detached() {
        return detached || Files.exists(config.dir().resolve(DETACHED_MARKER));
    }

    /** True when this process started the servers (and stops them on close). */
    public boolean owned() {
        return lock != null && !detached;
    }

    /** True when this start created the cluster (the first start in an empty folder). */
    public boolean created() {
        return created;
    }

    public Path dir() {
        return config.dir();
    }

    /** The primary as the schema owner, in the classbase database. */
    public Endpoint primary() {
        return new Endpoint("primary", "127.0.0.1", primary.port(), DATABASE, OWNER_ROLE, state.password(OWNER_ROLE));
    }

    /** The replicas as the schema owner, in the classbase database. */
    public List<Endpoint> replicas() {
        return replicas.stream()
                .map(r ->
                        new Endpoint(r.name(), "127.0.0.1", r.port(), DATABASE, OWNER_ROLE, state.password(OWNER_ROLE)))
                .toList();
    }

    /** A server as the service role the application's pools use. */
    public Endpoint service(Endpoint server) {
        return server.as(SERVICE_ROLE, state.password(SERVICE_ROLE));
    }

    /** The superuser of a server, for cluster administration and tests only. */
    public Endpoint superuser(Endpoint server) {
        return server.as("postgres", state.password("postgres"));
    }

    private void boot() {
        boolean fresh = !primary.initialized();
        if (!fresh) {
            primary.validate();
        }
        for (PostgresServer replica : replicas) {
            if (replica.initialized()) {
                replica.validate();
            }
        }
        if (fresh && !Files.exists(primary.dataDir())) {
            created = true;
        } else if (fresh) {
            throw new ClusterException(primary.dataDir() + " exists but holds no PostgreSQL cluster; "
                    + "remove it or choose another CLASSBASE_DATA_DIR. Nothing was changed.");
        } else if (!state.exists()) {
            throw new ClusterException(
                    config.dir().resolve("cluster.properties") + " is missing, so the cluster's "
                            + "passwords are unknown; restore it or start with an empty CLASSBASE_DATA_DIR. Nothing was changed.");
        }
        if (!detached) {
            stopOrphans();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "classbase-cluster-stop"));
        if (created) {
            log.info("creating a PostgreSQL {} cluster in {}", PostgresBinaries.VERSION, config.dir());
            state.password("postgres");
            state.password("replicator");
            state.password(OWNER_ROLE);
            state.password(SERVICE_ROLE);
            state.save();
            primary.initdb(state.password("postgres"));
            writeServerConfig();
        }
        if (detached && primary.runningPid().isPresent()) {
            primary.adoptRunning();
        } else {
            primary.start(choosePort("primary"), START_TIMEOUT, this::ready, detached);
        }
        bootstrap();
        for (int i = 0; i < replicas.size(); i++) {
            PostgresServer replica = replicas.get(i);
            if (detached && replica.runningPid().isPresent()) {
                replica.adoptRunning();
                continue;
            }
            if (!replica.initialized()) {
                log.info("creating {} from the primary", replica.name());
                try (Connection c = superuserConnection(primary.port(), "postgres")) {
                    ReplicaCloner.clone(c, primary.dataDir(), replica.dataDir(), replica.name());
                } catch (SQLException e) {
                    throw new ClusterException("cannot reach the primary to clone " + replica.name(), e);
                }
            }
            ReplicaCloner.writeStandbyConfig(
                    replica.dataDir(), primary.port(), state.password("replicator"), replica.name());
            replica.start(choosePort(replica.name()), START_TIMEOUT, this::ready, detached);
        }
        state.save();
        awaitStreaming(Duration.ofSeconds(60));
    }

    private void attach() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (primary.runningPort().isPresent() && state.exists()) {
                attachPorts();
                try {
                    ready(primary.port());
                    log.info("attached to the running cluster in {}", config.dir());
                    return;
                } catch (SQLException e) {
                    // still starting
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new ClusterException("the cluster in " + config.dir() + " is locked by another classbase process but "
                + "its primary is not running");
    }

    /** The primary's port; a replica that is down keeps the port it last used, and a warning says so. */
    private void attachPorts() {
        primary.adoptRunning();
        for (PostgresServer replica : replicas) {
            if (replica.runningPort().isPresent()) {
                replica.adoptRunning();
            } else {
                replica.adoptPort(state.port(replica.name(), 0));
                log.warn("{} is not running (the cluster is degraded); reads fall back to the primary", replica.name());
            }
        }
    }

    /** True when the server ({@code primary}, {@code replica1}, ...) runs. */
    public boolean running(String server) {
        return servers().stream()
                .filter(s -> s.name().equals(server))
                .anyMatch(s -> s.runningPid().isPresent());
    }

    /** Servers left running by an owner that died without its lifeline firing: stop them first. */
    private void stopOrphans() {
        List<PostgresServer> all = new ArrayList<>(replicas);
        all.add(primary);
        for (PostgresServer server : all) {
            server.runningPid().ifPresent(pid -> {
                log.warn("{}: found a postmaster (pid {}) with no owner; stopping it", server.name(), pid);
                try {
                    new ProcessBuilder("kill", "-INT", Long.toString(pid))
                            .start()
                            .waitFor();
                    ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    private int choosePort(String server) {
        int port = state.port(server, 0);
        if (port == 0 || !PostgresServer.portFree(port)) {
            int chosen = PostgresServer.freePort();
            if (port != 0) {
                log.warn("{}: port {} is taken; using {}", server, port, chosen);
            }
            port = chosen;
        }
        state.setPort(server, port);
        state.save();
        return port;
    }

    private void writeServerConfig() {
        String durable = config.durable() ? "on" : "off";
        String conf = resource("classbase.conf").replace("{durable}", durable);
        try {
            Files.writeString(primary.dataDir().resolve("classbase.conf"), conf);
            Files.writeString(
                    primary.dataDir().resolve("postgresql.conf"),
                    "\ninclude_if_exists = 'classbase.conf'\n",
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Roles, database and extensions; idempotent, run at every start of the owner. */
    private void bootstrap() {
        try (Connection c = superuserConnection(primary.port(), "postgres");
                Statement s = c.createStatement()) {
            createRole(s, "replicator", "REPLICATION LOGIN");
            createRole(s, OWNER_ROLE, "LOGIN");
            createRole(s, SERVICE_ROLE, "LOGIN NOINHERIT");
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE " + DATABASE + " OWNER " + OWNER_ROLE);
                }
            }
            s.execute(resource("bootstrap-server.sql"));
        } catch (SQLException e) {
            throw new ClusterException("cannot prepare the primary: " + e.getMessage(), e);
        }
        try (Connection c = superuserConnection(primary.port(), DATABASE);
                Statement s = c.createStatement()) {
            s.execute(resource("bootstrap-database.sql"));
        } catch (SQLException e) {
            throw new ClusterException("cannot prepare the classbase database: " + e.getMessage(), e);
        }
    }

    /** A text resource beside this class: the server's configuration and the bootstrap SQL. */
    private static String resource(String name) {
        try (InputStream in = EmbeddedCluster.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing beside " + EmbeddedCluster.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void createRole(Statement s, String role, String options) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'")) {
            if (rs.next()) {
                return;
            }
        }
        // generated passwords are base64url: no quote can end the literal early
        s.execute("CREATE ROLE " + role + " " + options + " PASSWORD '" + state.password(role) + "'");
    }

    private void awaitStreaming(Duration timeout) {
        if (replicas.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = superuserConnection(primary.port(), "postgres");
                    PreparedStatement ps =
                            c.prepareStatement("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) >= replicas.size()) {
                    return;
                }
            } catch (SQLException e) {
                log.debug("waiting for replication", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.warn("not every replica is streaming after {} s; see {}", timeout.toSeconds(), config.dir());
    }

    private void ready(int port) throws SQLException {
        try (Connection c = superuserConnection(port, "postgres");
                Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    private Connection superuserConnection(int port, String database) throws SQLException {
        return PostgresServer.connect(port, database, "postgres", state.password("postgres"));
    }

    private Path logFile(String server) {
        return config.dir().resolve("logs").resolve(server + ".out");
    }

    static String replicaName(int i) {
        return "replica" + i;
    }

    // ---- operations used by tests and ops commands ----

    /** Stops one replica (fast shutdown), whoever started it; {@link #startReplica} brings it back. */
    public void stopReplica(int index) {
        PostgresServer replica = replicas.get(index);
        if (replica.owned()) {
            replica.stop();
        } else {
            replica.stopRunning();
        }
    }

    public void startReplica(int index) {
        PostgresServer replica = replicas.get(index);
        ReplicaCloner.writeStandbyConfig(
                replica.dataDir(), primary.port(), state.password("replicator"), replica.name());
        replica.start(
                replica.port() == 0 ? choosePort(replica.name()) : replica.port(),
                START_TIMEOUT,
                this::ready,
                detached());
    }

    /** Stops the primary (fast shutdown), as an outage or a planned failover would. */
    public void stopPrimary() {
        primary.stop();
    }

    /** Kills every server of the cluster without a shutdown checkpoint, as a power cut would. */
    public void crash() {
        replicas.forEach(PostgresServer::crash);
        primary.crash();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (owned()) {
            for (PostgresServer replica : replicas) {
                replica.stop();
            }
            primary.stop();
            try {
                lock.release();
            } catch (IOException ignored) {
                // the channel closes below
            }
        }
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
