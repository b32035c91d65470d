package dev.classbase.testsupport;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.pgbouncer.AuthQueries;
import dev.classbase.data.pgbouncer.PgBouncerConfig;
import dev.classbase.data.pool.PoolInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;

/**
 * A real PgBouncer (the OS package) in transaction mode on a free port, in front of a cluster's
 * primary, configured by classbase's own renderer; as root it runs as {@code nobody}, since
 * PgBouncer refuses root. Stopped (SIGINT, then kill) by {@link #close}.
 */
public final class PgBouncerProcess implements AutoCloseable {
    private static final Path PGBOUNCER = Path.of("/usr/sbin/pgbouncer");
    private final Path dir;
    private final Process process;
    private final int port;

    private PgBouncerProcess(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** PgBouncer for the primary's classbase database, admitting the given roles. */
    public static PgBouncerProcess start(EmbeddedCluster cluster, List<String> roles) {
        if (!Files.isExecutable(PGBOUNCER)) {
            throw new AssertionError(
                    "PgBouncer is not installed (apt-get install pgbouncer; ./classbase test does it)");
        }
        Endpoint primary = cluster.primary();
        try {
            Map<String, String> secrets;
            try (Connection su =
                    TestCluster.dataSource(cluster.superuser(primary)).getConnection()) {
                secrets = AuthQueries.scramSecrets(su, roles);
            }
            Path dir = Files.createTempDirectory("classbase-pgbouncer");
            int port = LocalPorts.free();
            PoolInputs inputs = new PoolInputs(2, 1, 200, 10, 0.8, 200, 5, 1, 1, 8);
            PgBouncerConfig.Settings settings = PgBouncerConfig.Settings.of(
                            List.of(new PgBouncerConfig.Database(
                                    primary.database(), primary.host(), primary.port(), primary.database())),
                            inputs)
                    .withListen("127.0.0.1", port)
                    .withFiles(
                            dir.resolve("userlist.txt").toString(),
                            dir.resolve("pgbouncer.log").toString(),
                            dir.resolve("pgbouncer.pid").toString(),
                            "")
                    .withUsers(List.of(roles.get(0)), roles);
            Files.writeString(dir.resolve("pgbouncer.ini"), PgBouncerConfig.ini(settings));
            Files.writeString(dir.resolve("userlist.txt"), PgBouncerConfig.userlist(secrets));
            Files.setPosixFilePermissions(dir.resolve("userlist.txt"), PosixFilePermissions.fromString("rw-------"));
            List<String> command = new ArrayList<>(List.of(PGBOUNCER.toString()));
            if (Files.getOwner(Path.of("/proc/self")).getName().equals("root")) {
                giveTo(dir);
                command.addAll(List.of("-u", "nobody"));
            }
            command.add(dir.resolve("pgbouncer.ini").toString());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
            PgBouncerProcess bouncer = new PgBouncerProcess(dir, process, port);
            if (Await.until(Duration.ofSeconds(20), () -> LocalPorts.accepts(port) ? Boolean.TRUE : null) == null) {
                String out = Files.readString(dir.resolve("stdout.log"));
                bouncer.close();
                throw new AssertionError("PgBouncer did not start:\n" + out);
            }
            return bouncer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.sql.SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    /** A JDBC URL for the classbase database through PgBouncer. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/classbase";
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                        .start()
                        .waitFor();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
            FileUtils.deleteDirectory(dir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void giveTo(Path dir) throws IOException {
        UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal owner = lookup.lookupPrincipalByName("nobody");
        GroupPrincipal group = lookup.lookupPrincipalByGroupName("nogroup");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                view.setOwner(owner);
                view.setGroup(group);
            }
        }
    }
}
