package dev.classbase.testsupport;

import dev.classbase.cluster.ClusterConfig;
import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.Migrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.commons.io.FileUtils;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One real embedded PostgreSQL 17 primary with two streaming replicas, shared by every test of the
 * JVM: started on first use, migrated once, stopped when the JVM exits (by its shutdown hook, or by
 * the lifeline if the JVM is killed). Tests that need a cluster of their own (restarts, crashes)
 * start one with {@link #startPrivate}.
 */
public final class TestCluster {
    private static TestCluster shared;

    private final EmbeddedCluster cluster;

    private TestCluster(EmbeddedCluster cluster) {
        this.cluster = cluster;
    }

    public static synchronized TestCluster shared() {
        if (shared == null) {
            Path dir = privateDir("shared");
            wipe(dir);
            EmbeddedCluster cluster = EmbeddedCluster.start(new ClusterConfig(dir, 2, false));
            shared = new TestCluster(cluster);
            Migrations.apply(shared.primaryDataSource());
        }
        return shared;
    }

    /** A cluster of the test's own in a fresh folder under target/test-clusters; the caller closes it. */
    public static EmbeddedCluster startPrivate(String name, int replicas) {
        Path dir = privateDir(name);
        wipe(dir);
        return EmbeddedCluster.start(ClusterConfig.of(dir, replicas));
    }

    /**
     * A folder for a cluster of this test JVM: named with the pid, so test runs side by side never
     * share one. Folders of JVMs that have ended are removed on first use.
     */
    public static Path privateDir(String name) {
        sweepDeadRuns();
        return Path.of("target", "test-clusters", ProcessHandle.current().pid() + "-" + name);
    }

    private static boolean swept;

    private static synchronized void sweepDeadRuns() {
        if (swept) {
            return;
        }
        swept = true;
        Path root = Path.of("target", "test-clusters");
        if (!Files.isDirectory(root)) {
            return;
        }
        try (var dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                String name = dir.getFileName().toString();
                int dash = name.indexOf('-');
                if (dash <= 0) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(name.substring(0, dash));
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue;
                    }
                } catch (NumberFormatException e) {
                    continue;
                }
                try {
                    wipe(dir);
                } catch (UncheckedIOException e) {
                    // another test JVM sweeping the same leftovers at the same moment: theirs to finish
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public EmbeddedCluster cluster() {
        return cluster;
    }

    public DataSource primaryDataSource() {
        return dataSource(cluster.primary());
    }

    public DataSource replicaDataSource(int index) {
        return dataSource(cluster.replicas().get(index));
    }

    public DataSource superuserDataSource() {
        return dataSource(cluster.superuser(cluster.primary()));
    }

    /**
     * Drops and recreates a database of that name on the primary, owned by the application role,
     * migrated, and returns a data source for it.
     */
    public DataSource freshDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database names here are lower-case identifiers: " + name);
        }
        try (Connection c = dataSource(cluster.superuser(cluster.primary()).database("postgres"))
                        .getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name + " OWNER " + EmbeddedCluster.OWNER_ROLE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        DataSource ds = dataSource(cluster.primary().database(name));
        Migrations.apply(ds);
        return ds;
    }

    /** Properties that point a Spring context at this cluster (as serve would). */
    public Map<String, Object> springProperties() {
        return springProperties(cluster);
    }

    /** Properties that point a Spring context at any cluster, as its service role. */
    public static Map<String, Object> springProperties(EmbeddedCluster cluster) {
        Map<String, Object> props = new LinkedHashMap<>();
        put(props, "classbase.database.primary", cluster.service(cluster.primary()));
        List<Endpoint> replicas = cluster.replicas();
        for (int i = 0; i < replicas.size(); i++) {
            put(props, "classbase.database.replicas[" + i + "]", cluster.service(replicas.get(i)));
        }
        // answers are not cached on test servers unless a test turns its region on: the suite's
        // statement counts and read-after-direct-write checks are about the database
        for (String region : List.of("user", "catalog", "analytics", "static")) {
            props.put("classbase.cache.regions." + region + ".enabled", "false");
        }
        return props;
    }

    private static void put(Map<String, Object> props, String prefix, Endpoint e) {
        props.put(prefix + ".name", e.name());
        props.put(prefix + ".url", e.jdbcUrl());
        props.put(prefix + ".username", e.user());
        props.put(prefix + ".password", e.password());
    }

    public static DataSource dataSource(Endpoint e) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(e.jdbcUrl());
        ds.setUser(e.user());
        ds.setPassword(e.password());
        ds.setConnectTimeout(5);
        return ds;
    }

    private static void wipe(Path dir) {
        try {
            if (Files.exists(dir)) {
                FileUtils.deleteDirectory(dir.toFile());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
