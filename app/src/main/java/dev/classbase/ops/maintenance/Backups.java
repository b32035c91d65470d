package dev.classbase.ops.maintenance;

import static dev.classbase.ops.kernel.Rows.bool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.io.FileUtils;

/**
 * Chooses how to back up, runs it with its restore check, and keeps the newest
 * {@code backup-keep} backups in {@code backup-directory}. pg_dump when one of the server's major
 * version or newer is installed and this role reads every row; else a base backup when the data
 * directory is on this machine and the role may call pg_backup_start; else nothing, and why.
 */
final class Backups {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    /** Only what this class names is ever removed by retention. */
    private static final Pattern OURS = Pattern.compile("classbase-\\d{8}T\\d{6}Z\\.(dump|base)");

    private final MaintenanceProperties properties;
    private final Login login;
    private final Clock clock;

    Backups(MaintenanceProperties properties, Login login, Clock clock) {
        this.properties = properties;
        this.login = login;
        this.clock = clock;
    }

    /** The method a backup would use now and why, or why none can be made ("none: ..."). */
    Plan plan() throws SQLException {
        try (Connection c = login.connect()) {
            return plan(c);
        }
    }

    /** As {@link #plan()}, on a connection of the same role (the console's read). */
    Plan plan(Connection c) throws SQLException {
        int serverMajor = Integer.parseInt(string(c, BackupQueries.serverMajor()));
        List<String> seen = new ArrayList<>();
        Optional<PgDumpBinary> dump = PgDumpBinary.find(properties.pgDump(), serverMajor, seen);
        boolean readsAll = bool(c, BackupQueries.readsEveryRow());
        if (dump.isPresent() && readsAll) {
            return new Plan(
                    dump.get(),
                    false,
                    dump.get().pgDump() + " is pg_dump " + dump.get().major() + ", the server " + serverMajor);
        }
        String noDump = dump.isEmpty()
                ? "no pg_dump of major " + serverMajor + " or newer"
                        + (seen.isEmpty() ? "" : " (" + String.join("; ", seen) + ")")
                : c.getMetaData().getUserName() + " does not read every row (row-level security), which pg_dump needs";
        String noBase = BaseBackup.unavailable(c);
        if (noBase == null) {
            return new Plan(null, true, noDump);
        }
        return new Plan(null, false, noDump + "; and no base backup: " + noBase);
    }

    record Plan(PgDumpBinary dump, boolean base, String why) {
        boolean possible() {
            return dump != null || base;
        }

        String method() {
            return dump != null ? "pg_dump" : base ? "base backup" : "none";
        }
    }

    BackupResult run(Plan plan) throws SQLException, IOException {
        if (!plan.possible()) {
            throw new IllegalStateException("cannot back up: " + plan.why());
        }
        Path dir = properties.backupDirectory().toAbsolutePath();
        Files.createDirectories(dir);
        String stamp = STAMP.format(clock.instant().atOffset(ZoneOffset.UTC));
        Duration timeout = properties.statementTimeout();
        Path target = dir.resolve("classbase-" + stamp + (plan.dump() != null ? ".dump" : ".base"));
        BackupResult result;
        try {
            result = plan.dump() != null
                    ? DumpBackup.run(plan.dump(), login, target, plan.why(), timeout)
                    : BaseBackup.run(login, target, plan.why(), timeout);
        } finally {
            // a backup that broke off leaves nothing half-made behind
            FileUtils.deleteQuietly(
                    target.resolveSibling(target.getFileName() + ".partial").toFile());
        }
        if (result.checkPassed()) {
            prune(dir);
        }
        return result;
    }

    /** Keeps the newest {@code backup-keep}; runs only after a backup whose check passed. */
    List<Path> prune(Path dir) throws IOException {
        List<Path> ours;
        try (var files = Files.list(dir)) {
            ours = files.filter(p -> OURS.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString())
                            .reversed())
                    .toList();
        }
        List<Path> removed = new ArrayList<>();
        for (Path old : ours.subList(Math.min(properties.backupKeep(), ours.size()), ours.size())) {
            FileUtils.forceDelete(old.toFile());
            removed.add(old);
        }
        return removed;
    }

    private static String string(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
