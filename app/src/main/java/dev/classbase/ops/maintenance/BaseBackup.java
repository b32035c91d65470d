package dev.classbase.ops.maintenance;

import static dev.classbase.ops.kernel.Rows.bool;

import dev.classbase.cluster.DataDirectoryCopy;
import dev.classbase.ops.kernel.Primary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.io.FileUtils;

/**
 * A physical backup, for when no pg_dump can dump the server (the embedded PostgreSQL 17 ships
 * none, and an older pg_dump refuses a newer server): {@code pg_backup_start}, a copy of the data
 * directory, {@code pg_backup_stop}, the backup label, and the WAL from the backup's start to its
 * end, so the copy starts on its own and recovers to a consistent state (manual, "Making a Base
 * Backup Using the Low Level API"). Needs the data directory on this machine and the right to call
 * pg_backup_start. The restore check starts a scratch server on a copy of the result and compares
 * row counts with the source.
 */
final class BaseBackup {
    private static final Pattern START_WAL = Pattern.compile("START WAL LOCATION: \\S+ \\(file ([0-9A-F]{24})\\)");
    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");

    private BaseBackup() {}

    /** Why a base backup cannot be made with this login, or null when it can. */
    static String unavailable(Connection c) throws SQLException {
        Path dir = Path.of(string(c, BackupQueries.dataDirectory()));
        if (!Files.isReadable(dir.resolve("PG_VERSION"))) {
            return "the server's data directory (" + dir + ") is not readable on this machine";
        }
        if (!bool(c, BackupQueries.mayStartBackup())) {
            return c.getMetaData().getUserName() + " may not call pg_backup_start (a superuser can "
                    + "GRANT EXECUTE ON FUNCTION pg_backup_start(text, boolean), pg_backup_stop(boolean) to it)";
        }
        return null;
    }

    static BackupResult run(Login login, Path target, String why, Duration checkTimeout)
            throws SQLException, IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        FileUtils.deleteDirectory(partial.toFile());
        Map<String, Long> before;
        Map<String, Long> after;
        List<String[]> tables;
        String database;
        try (Connection c = login.connect()) {
            c.setAutoCommit(true);
            Path dataDir = Path.of(string(c, BackupQueries.dataDirectory()));
            if (target.toAbsolutePath().normalize().startsWith(dataDir.toRealPath())) {
                throw new IOException("the backup directory " + target.getParent() + " is inside the data directory "
                        + dataDir + ": choose another (classbase.maintenance.backup-directory, --backup-dir)");
            }
            database = string(c, BackupQueries.database());
            long segmentBytes = Long.parseLong(string(c, BackupQueries.walSegmentBytes()));
            tables = RowCounts.tables(c);
            String slot = "classbase_backup_" + ProcessHandle.current().pid();
            if (bool(c, BackupQueries.mayReserveWal())) {
                try (PreparedStatement ps = c.prepareStatement(BackupQueries.reserveWal())) {
                    ps.setString(1, slot);
                    ps.execute();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(BackupQueries.backupStart())) {
                ps.setString(1, "classbase maintenance " + target.getFileName());
                ps.execute();
            }
            String stopLsn;
            String label;
            String spcmap;
            try {
                DataDirectoryCopy.copy(dataDir, partial);
                before = RowCounts.snapshot(c, tables);
            } finally {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(BackupQueries.backupStop())) {
                    rs.next();
                    stopLsn = rs.getString(1);
                    label = rs.getString(2);
                    spcmap = rs.getString(3);
                }
            }
            after = RowCounts.snapshot(c, tables);
            Files.writeString(partial.resolve("backup_label"), label);
            if (spcmap != null && !spcmap.isBlank()) {
                Files.writeString(partial.resolve("tablespace_map"), spcmap);
            }
            String stopFile;
            try (PreparedStatement ps = c.prepareStatement(BackupQueries.walFileName())) {
                ps.setString(1, stopLsn);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    stopFile = rs.getString(1);
                }
            }
            copyWal(dataDir.resolve("pg_wal"), partial.resolve("pg_wal"), startFile(label), stopFile, segmentBytes);
            // the temporary slot is dropped when this connection closes
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        long bytes = FileUtils.sizeOfDirectory(target.toFile());
        String check = check(login, target, database, tables, before, after, checkTimeout);
        boolean passed = check.startsWith("passed");
        return new BackupResult("base backup", why, target, bytes, passed, check);
    }

    /** Starts a scratch server on a copy of the backup; the backup itself is never started. */
    private static String check(
            Login login,
            Path backup,
            String database,
            List<String[]> tables,
            Map<String, Long> before,
            Map<String, Long> after,
            Duration timeout)
            throws IOException {
        Path scratch = backup.resolveSibling("." + backup.getFileName() + ".restore-check");
        FileUtils.deleteDirectory(scratch.toFile());
        try {
            FileUtils.copyDirectory(backup.toFile(), scratch.toFile());
            // PostgreSQL starts only on a data directory no one else may read
            Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwx------"));
            try (ScratchServer server = ScratchServer.start(scratch, login, database, timeout);
                    Connection c = login.connect(server.url(database))) {
                if (Primary.inRecovery(c)) {
                    return "failed: the restored copy is still in recovery";
                }
                Map<String, Long> restored = RowCounts.snapshot(c, tables);
                List<String> bad = RowCounts.mismatches(before, after, restored);
                return bad.isEmpty()
                        ? "passed: a scratch server recovered the copy to consistency; row counts match ("
                                + RowCounts.describe(restored) + ")"
                        : "failed: " + String.join("; ", bad);
            } catch (SQLException e) {
                return "failed: " + e.getMessage();
            }
        } catch (IOException e) {
            return "failed: " + e.getMessage();
        } finally {
            FileUtils.deleteQuietly(scratch.toFile());
            FileUtils.deleteQuietly(
                    scratch.resolveSibling(scratch.getFileName() + ".log").toFile());
        }
    }

    static String startFile(String label) {
        Matcher m = START_WAL.matcher(label);
        if (!m.find()) {
            throw new IllegalStateException("no START WAL LOCATION in the backup label");
        }
        return m.group(1);
    }

    /**
     * The segments from the backup's first to its last, same timeline, and the timeline history
     * files. Fails when one is missing: recycled during the copy (no slot held it), the backup could
     * not be restored.
     */
    static void copyWal(Path from, Path to, String first, String last, long segmentBytes) throws IOException {
        long perLogId = 0x1_0000_0000L / segmentBytes;
        long firstNo = segmentNo(first, perLogId);
        long lastNo = segmentNo(last, perLogId);
        String timeline = first.substring(0, 8);
        long copied = 0;
        try (var files = Files.list(from)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                boolean segment = SEGMENT.matcher(name).matches()
                        && name.startsWith(timeline)
                        && segmentNo(name, perLogId) >= firstNo
                        && segmentNo(name, perLogId) <= lastNo;
                if (segment || name.endsWith(".history")) {
                    Files.copy(file, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    copied += segment ? 1 : 0;
                }
            }
        }
        if (copied != lastNo - firstNo + 1) {
            throw new IOException("WAL from " + first + " to " + last + " is incomplete in " + from + " ("
                    + copied + " of " + (lastNo - firstNo + 1) + " segments): it was recycled during the copy; "
                    + "run the backup again as a role with REPLICATION (it then holds the WAL with a slot)");
        }
    }

    private static long segmentNo(String name, long perLogId) {
        return Long.parseLong(name.substring(8, 16), 16) * perLogId + Long.parseLong(name.substring(16, 24), 16);
    }

    private static String string(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
