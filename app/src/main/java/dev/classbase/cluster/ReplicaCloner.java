package dev.classbase.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.commons.io.FileUtils;

/**
 * Makes a streaming replica from a running primary without pg_basebackup (the embedded bundle has
 * none): reserve a physical slot, {@code pg_backup_start}, copy the data directory, {@code
 * pg_backup_stop}, then write the backup label, {@code standby.signal} and the connection to the
 * primary. The slot keeps the WAL the copy needs until the replica has streamed it.
 */
final class ReplicaCloner {
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
            DataDirectoryCopy.copy(primaryDir, staging);
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
}
