package dev.classbase.ops.maintenance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A logical backup: {@code pg_dump --format=custom} of the database in a snapshot exported by this
 * process, so the row counts taken in the same snapshot are exactly what the dump holds. The restore
 * check restores the file with pg_restore into a scratch database, compares the counts, and drops it.
 */
final class DumpBackup {
    private DumpBackup() {}

    static BackupResult run(PgDumpBinary binary, Login login, Path target, String why, Duration timeout)
            throws SQLException, IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Map<String, Long> counts;
        List<String[]> tables;
        String database;
        try (Connection c = login.connect()) {
            database = string(c, BackupQueries.database());
            tables = RowCounts.tables(c);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                String snapshot = string(c, BackupQueries.exportSnapshot());
                counts = RowCounts.count(c, tables);
                List<String> args = new ArrayList<>(List.of(
                        binary.pgDump().toString(),
                        "--format=custom",
                        "--snapshot=" + snapshot,
                        "--file=" + partial,
                        "--dbname=" + database));
                exec(args, login, timeout, "pg_dump");
            } finally {
                c.rollback();
            }
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        String check = check(binary, login, target, tables, counts, timeout);
        return new BackupResult("pg_dump", why, target, Files.size(target), check.startsWith("passed"), check);
    }

    private static String check(
            PgDumpBinary binary,
            Login login,
            Path dump,
            List<String[]> tables,
            Map<String, Long> counts,
            Duration timeout) {
        String scratch = "classbase_restore_check_" + ProcessHandle.current().pid();
        try (Connection c = login.connect();
                Statement s = c.createStatement()) {
            s.execute(BackupQueries.dropDatabase(scratch));
            s.execute(BackupQueries.createDatabase(scratch));
            try {
                String restoreErrors = exec(
                        List.of(
                                binary.pgRestore().toString(),
                                "--no-owner",
                                "--no-privileges",
                                "--dbname=" + scratch,
                                dump.toString()),
                        login,
                        timeout,
                        null);
                Properties p = login.parsed();
                String url = login.jdbcUrl()
                        .replaceFirst(
                                "/" + java.util.regex.Pattern.quote(p.getProperty("PGDBNAME")) + "(\\?|$)",
                                "/" + scratch + "$1");
                Map<String, Long> restored;
                try (Connection r = login.connect(url)) {
                    restored = RowCounts.snapshot(r, tables);
                }
                List<String> bad = RowCounts.mismatches(counts, counts, restored);
                String warn = restoreErrors.isEmpty() ? "" : " (pg_restore: " + restoreErrors + ")";
                return bad.isEmpty()
                        ? "passed: restored into a scratch database; row counts match (" + RowCounts.describe(restored)
                                + ")" + warn
                        : "failed: " + String.join("; ", bad) + warn;
            } finally {
                s.execute(BackupQueries.dropDatabase(scratch));
            }
        } catch (SQLException | IOException e) {
            return "failed: " + e.getMessage();
        }
    }

    /**
     * Runs a libpq program against the login's server (password through the environment, never the
     * command line). {@code failAs}: the program's name to fail with on a non-zero exit; null to
     * return the tail of its output instead (pg_restore exits 1 for errors it skipped over, such as an
     * extension only a superuser may create).
     */
    private static String exec(List<String> command, Login login, Duration timeout, String failAs) throws IOException {
        Properties p = login.parsed();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGHOST", p.getProperty("PGHOST", "localhost").split(",")[0]);
        builder.environment().put("PGPORT", p.getProperty("PGPORT", "5432").split(",")[0]);
        if (login.user() != null) {
            builder.environment().put("PGUSER", login.user());
        }
        if (login.password() != null) {
            builder.environment().put("PGPASSWORD", login.password());
        }
        Process process = builder.start();
        try {
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.getFirst() + " did not finish within " + timeout);
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            String tail = text.length() > 500 ? "…" + text.substring(text.length() - 500) : text;
            if (process.exitValue() != 0) {
                if (failAs != null) {
                    throw new IOException(failAs + " failed (exit " + process.exitValue() + "): " + tail);
                }
                return tail;
            }
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted");
        }
    }

    private static String string(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
