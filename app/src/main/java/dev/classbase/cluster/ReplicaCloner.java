package dev.classbase.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import org.apache.commons.io.FileUtils;

/**
 * Makes a streaming replica from a running primary without pg_basebackup (the embedded bundle has
 * none): reserve a physical slot, {@code pg_backup_start}, copy the data directory, {@code
 * pg_backup_stop}, then write the backup label, {@code standby.signal} and the connection to the
 * primary. The slot keeps the WAL the copy needs until the replica has streamed it.
 */
final class ReplicaCloner {
    /** Contents PostgreSQL's own base backup leaves out (protocol docs, "Base backup"). */
    private static final Set<String> EMPTY_DIRS = Set.of(
            "pg_wal",
            "pg_replslot",
            "pg_dynshmem",
            "pg_notify",
            "pg_serial",
            "pg_snapshots",
            "pg_stat_tmp",
            "pg_subtrans",
            "log");

    private static final Set<String> SKIPPED_FILES =
            Set.of("postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map", "standby.signal");

    private ReplicaCloner() {}

    static void clone(Connection primary, Path primaryDir, Path replicaDir, String slot) {
        Path staging = replicaDir.resolveSibling(replicaDir.getFileName() + ".partial");
        try {
            FileUtils.deleteDirectory(staging.toFile());
            createSlot(primary, slot);
            try (PreparedStatement start = primary.prepareStatement("SELECT pg_backup_start(?, true)")) {
                start.setString(1, "classbase " + slot);
                start.execute();
            }
            copy(primaryDir, staging);
            String label;
            String spcmap;
            try (PreparedStatement stop =
                            primary.prepareStatement("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)");
                    ResultSet rs = stop.executeQuery()) {
                rs.next();
                label = rs.getString(1);
                spcmap = rs.getString(2);
            }
            Files.writeString(staging.resolve("backup_label"), label);
            if (spcmap != null && !spcmap.isBlank()) {
                Files.writeString(staging.resolve("tablespace_map"), spcmap);
            }
            Files.createFile(staging.resolve("standby.signal"));
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwx------"));
            Files.move(staging, replicaDir, StandardCopyOption.ATOMIC_MOVE);
        } catch (SQLException e) {
            throw new ClusterException("cannot make replica " + slot + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the primary into " + replicaDir, e);
        }
    }

    static void createSlot(Connection primary, String slot) throws SQLException {
        try (PreparedStatement ps = primary.prepareStatement("SELECT pg_create_physical_replication_slot(?, true) "
                + "WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
            ps.setString(1, slot);
            ps.setString(2, slot);
            ps.execute();
        }
    }

    /**
     * Points a replica at its primary. Rewritten at every start: the primary's port may have changed.
     */
    static void writeStandbyConfig(Path replicaDir, int primaryPort, String password, String slot) {
        Path auto = replicaDir.resolve("postgresql.auto.conf");
        try {
            StringBuilder kept = new StringBuilder();
            if (Files.exists(auto)) {
                for (String line : Files.readAllLines(auto)) {
                    String trimmed = line.trim();
                    if (!trimmed.startsWith("primary_conninfo") && !trimmed.startsWith("primary_slot_name")) {
                        kept.append(line).append('\n');
                    }
                }
            }
            String conninfo = "host=127.0.0.1 port=" + primaryPort + " user=replicator password=" + password
                    + " application_name=" + slot;
            kept.append("primary_conninfo = '").append(conninfo).append("'\n");
            kept.append("primary_slot_name = '").append(slot).append("'\n");
            Files.writeString(auto, kept.toString());
            Files.setPosixFilePermissions(auto, PosixFilePermissions.fromString("rw-------"));
            Path signal = replicaDir.resolve("standby.signal");
            if (!Files.exists(signal)) {
                Files.createFile(signal);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(dir).toString());
                Files.createDirectories(target);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                if (!dir.equals(from)
                        && dir.getParent().equals(from)
                        && EMPTY_DIRS.contains(dir.getFileName().toString())) {
                    if (dir.getFileName().toString().equals("pg_wal")) {
                        Files.createDirectories(target.resolve("archive_status"));
                        Files.createDirectories(target.resolve("summaries"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (file.getParent().equals(from) && SKIPPED_FILES.contains(name)) {
                    return FileVisitResult.CONTINUE;
                }
                if (name.startsWith("pgsql_tmp")) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                } catch (NoSuchFileException e) {
                    // dropped while we copied: WAL replay from the backup start recreates what matters
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }
}
