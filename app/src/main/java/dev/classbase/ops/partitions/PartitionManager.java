package dev.classbase.ops.partitions;

import static dev.classbase.ops.kernel.Rows.bool;

import dev.classbase.ops.kernel.BoundedRead;
import dev.classbase.ops.kernel.ClusterJob;
import dev.classbase.ops.partitions.MaintenanceReport.Outcome;
import dev.classbase.ops.partitions.MaintenanceReport.TableReport;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Keeps the monthly tables' partitions: {@code months-ahead} future months ready, rows that landed
 * in a default partition moved into the months that should hold them, and months older than a
 * table's retention detached and then dropped or archived. Idempotent; does nothing on a replica
 * or when another instance holds the cluster-wide lock. Also reports every partitioned table
 * (hash ones too) for {@code partitions status}.
 *
 * <p>Works as the owner (the CLI) and as the service role (the server's job): what needs the
 * tables' owner (creating, detaching, dropping months, reading a default partition through
 * row-level security) goes through V65's SECURITY DEFINER functions, which accept only the managed
 * tables. The one thing a function cannot do, DETACH ... CONCURRENTLY, is done directly when this
 * role owns a table that has no default partition.
 *
 * <p>The lock is a session-level advisory lock on the run's own connection, not ShedLock: a
 * session is needed anyway (DETACH ... CONCURRENTLY cannot run in a transaction block), it is
 * released the moment the connection or the instance dies (no lease to expire), it needs no table,
 * and the CLI takes the same lock, so a hand-run {@code partitions maintain} and the server's job
 * never overlap. It needs a direct connection: through PgBouncer in transaction mode a session
 * lock would not stay with the session.
 */
public final class PartitionManager {
    private final DataSource dataSource;
    private final PartitionProperties properties;
    private final Clock clock;

    /** {@code dataSource}: the primary, as the tables' owner; {@code clock} says what "today" is (UTC). */
    public PartitionManager(DataSource dataSource, PartitionProperties properties, Clock clock) {
        this.dataSource = dataSource;
        this.properties = properties;
        this.clock = clock;
    }

    private record RangeTable(String name, String qualified, boolean owned, String defaultPartition) {}

    public MaintenanceReport maintain() throws SQLException {
        long started = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            ClusterJob.Guarded<MaintenanceReport> run = ClusterJob.once(c, PartitionQueries.LOCK, locked -> {
                query(
                        locked,
                        PartitionQueries.setLockTimeout(),
                        properties.lockTimeout().toMillis() + "ms");
                try {
                    return run(locked, started);
                } finally {
                    execute(locked, PartitionQueries.resetLockTimeout());
                }
            });
            if (run.ran()) {
                return run.value();
            }
            return run.skipped() == ClusterJob.Skip.REPLICA
                    ? skipped(
                            Outcome.SKIPPED_REPLICA,
                            "this server is a replica or in recovery (pg_is_in_recovery()); partitions are maintained "
                                    + "on the primary only: nothing done",
                            started)
                    : skipped(
                            Outcome.SKIPPED_LOCKED,
                            "another instance is running partition maintenance (it holds the lock): nothing done",
                            started);
        }
    }

    private MaintenanceReport run(Connection c, long started) throws SQLException {
        if (!bool(c, PartitionQueries.mayMaintain())) {
            return skipped(
                    Outcome.SKIPPED_NOT_OWNER,
                    "role " + c.getMetaData().getUserName()
                            + " may not execute classbase_partition_ensure (migration V65 grants it to the owner and"
                            + " classbase_app); run ./classbase partitions maintain, which connects as the owner",
                    started);
        }
        List<RangeTable> tables = rangeTables(c);
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate thisMonth = today.withDayOfMonth(1);
        Map<String, List<String>> errors = new LinkedHashMap<>();
        Map<String, Long> moved = new LinkedHashMap<>();
        Map<String, List<PartitionStatus.Partition>> before = partitionsByTable(c);
        for (RangeTable t : tables) {
            errors.put(t.name(), new ArrayList<>());
            try {
                moved.put(t.name(), moveDefaultRows(c, t));
                ensure(c, t, thisMonth, thisMonth.plusMonths(properties.monthsAhead() + 1L));
            } catch (SQLException e) {
                errors.get(t.name()).add("creating partitions: " + e.getMessage());
            }
        }
        Map<String, List<PartitionStatus.Partition>> after = partitionsByTable(c);
        List<TableReport> reports = new ArrayList<>();
        for (RangeTable t : tables) {
            List<String> known = names(before.get(t.name()));
            List<String> created = names(after.get(t.name())).stream()
                    .filter(n -> !known.contains(n))
                    .toList();
            List<String> expired = applyRetention(c, t, after.get(t.name()), today, errors.get(t.name()));
            reports.add(new TableReport(
                    t.name(), created, moved.getOrDefault(t.name(), 0L), expired, List.copyOf(errors.get(t.name()))));
        }
        boolean failed = reports.stream().anyMatch(r -> !r.errors().isEmpty());
        return new MaintenanceReport(
                failed ? Outcome.PARTIAL : Outcome.DONE, summary(reports), reports, since(started));
    }

    /**
     * Rows of months that have no partition sit in the default partition (an event dated far in
     * the past or future). Each such month gets its partition, and V2's function moves the rows
     * into it; so a stray row never blocks creating a month, as it does in pg_partman. A month
     * older than the table's retention is then expired like any other.
     */
    private long moveDefaultRows(Connection c, RangeTable t) throws SQLException {
        if (t.defaultPartition() == null) {
            return 0;
        }
        long rows = defaultRows(c, t.name());
        if (rows == 0) {
            return 0;
        }
        List<LocalDate> months = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PartitionQueries.defaultMonths())) {
            ps.setString(1, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    months.add(rs.getObject(1, LocalDate.class));
                }
            }
        }
        // one statement per month: a month that fails (lock timeout) leaves the others done
        for (LocalDate month : months) {
            ensure(c, t, month, month.plusMonths(1));
        }
        return rows - defaultRows(c, t.name());
    }

    private static long defaultRows(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PartitionQueries.defaultRows())) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void ensure(Connection c, RangeTable t, LocalDate from, LocalDate to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PartitionQueries.ensureMonthlyPartitions())) {
            ps.setString(1, t.name());
            ps.setDate(2, Date.valueOf(from));
            ps.setDate(3, Date.valueOf(to));
            ps.executeQuery().close();
        }
    }

    /** Only partitions whose whole range ends at or before today minus the retention are touched. */
    private List<String> applyRetention(
            Connection c,
            RangeTable t,
            List<PartitionStatus.Partition> partitions,
            LocalDate today,
            List<String> errors) {
        int months = properties.retentionOf(t.name());
        List<String> expired = new ArrayList<>();
        if (months == 0) {
            return expired;
        }
        OffsetDateTime cutoff = today.minusMonths(months).atStartOfDay().atOffset(ZoneOffset.UTC);
        for (PartitionStatus.Partition p : partitions == null ? List.<PartitionStatus.Partition>of() : partitions) {
            if (p.to() != null && !p.to().isAfter(cutoff)) {
                try {
                    detachAndRetire(c, t, p.name());
                    expired.add(p.name());
                } catch (SQLException e) {
                    errors.add(p.name() + ": " + e.getMessage() + " (the next run retries)");
                }
            }
        }
        try {
            for (String leftover : detachedLeftovers(c, t)) {
                LocalDate month = LocalDate.parse(
                        leftover.substring(leftover.length() - 6) + "01", DateTimeFormatter.BASIC_ISO_DATE);
                if (!month.plusMonths(1).atStartOfDay().atOffset(ZoneOffset.UTC).isAfter(cutoff)) {
                    retire(c, t, leftover);
                    expired.add(leftover);
                }
            }
        } catch (SQLException e) {
            errors.add("finishing detached partitions: " + e.getMessage());
        }
        return expired;
    }

    private void detachAndRetire(Connection c, RangeTable t, String partition) throws SQLException {
        if (t.owned() && t.defaultPartition() == null) {
            // outside a transaction block (autocommit): the only way PostgreSQL allows CONCURRENTLY;
            // the month is then a detached leftover, which V65's function retires
            execute(c, PartitionQueries.detachConcurrently(t.qualified(), quoted(partition)));
        }
        // With a default partition PostgreSQL refuses DETACH ... CONCURRENTLY (manual, ALTER TABLE:
        // "not allowed if the partitioned table contains a default partition"): the default's implicit
        // constraint must change atomically. V65's function detaches plainly, taking ACCESS EXCLUSIVE
        // on the parent for a moment; the session's lock_timeout bounds how long it (and the queries
        // queued behind it) can wait, and a timeout leaves the month for the next run. DETACH and
        // DROP / SET SCHEMA commit together, so a failure leaves nothing half done.
        retire(c, t, partition);
    }

    private void retire(Connection c, RangeTable t, String partition) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PartitionQueries.retire())) {
            ps.setString(1, t.name());
            ps.setString(2, partition);
            ps.setString(
                    3,
                    properties.retentionAction() == PartitionProperties.RetentionAction.ARCHIVE
                            ? properties.archiveSchema()
                            : null);
            ps.executeQuery().close();
        }
    }

    /** Every partitioned table of the current schema, hash ones too. Read-only, 30 s at most, rolled back. */
    public List<PartitionStatus> status() throws SQLException {
        return status(Duration.ofSeconds(30));
    }

    /** As {@link #status()}, bounded by {@code timeout}. */
    public List<PartitionStatus> status(Duration timeout) throws SQLException {
        return BoundedRead.run(dataSource, timeout, c -> {
            List<String> managed = bool(c, PartitionQueries.mayMaintain()) ? managed(c) : List.of();
            Map<String, String> strategies = new LinkedHashMap<>();
            Map<String, List<PartitionStatus.Partition>> byTable = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(PartitionQueries.partitions());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    strategies.put(rs.getString("parent"), rs.getString("strategy"));
                    byTable.computeIfAbsent(rs.getString("parent"), k -> new ArrayList<>())
                            .add(partition(rs));
                }
            }
            List<PartitionStatus> result = new ArrayList<>();
            for (var e : byTable.entrySet()) {
                String def = e.getValue().stream()
                        .filter(p -> "DEFAULT".equals(p.bound()))
                        .map(PartitionStatus.Partition::name)
                        .findFirst()
                        .orElse(null);
                // through V65 where it can: row-level security hides a partition's rows from the service role
                Long defaultRows = def == null
                        ? null
                        : managed.contains(e.getKey())
                                ? defaultRows(c, e.getKey())
                                : queryLong(c, PartitionQueries.countRows(quoted(def)));
                result.add(new PartitionStatus(
                        e.getKey(), strategies.get(e.getKey()), List.copyOf(e.getValue()), def, defaultRows));
            }
            return result;
        });
    }

    private static List<String> managed(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PartitionQueries.managedTables());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static List<RangeTable> rangeTables(Connection c) throws SQLException {
        List<RangeTable> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PartitionQueries.rangeTables());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tables.add(new RangeTable(
                        rs.getString("name"),
                        rs.getString("qualified"),
                        rs.getBoolean("owned"),
                        rs.getString("default_partition")));
            }
        }
        return tables;
    }

    private static Map<String, List<PartitionStatus.Partition>> partitionsByTable(Connection c) throws SQLException {
        Map<String, List<PartitionStatus.Partition>> byTable = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(PartitionQueries.partitions());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                byTable.computeIfAbsent(rs.getString("parent"), k -> new ArrayList<>())
                        .add(partition(rs));
            }
        }
        return byTable;
    }

    private static PartitionStatus.Partition partition(ResultSet rs) throws SQLException {
        return new PartitionStatus.Partition(
                rs.getString("name"),
                rs.getString("bound"),
                rs.getObject("range_from", OffsetDateTime.class),
                rs.getObject("range_to", OffsetDateTime.class),
                rs.getLong("bytes"),
                rs.getObject("estimated_rows", Long.class));
    }

    private static List<String> detachedLeftovers(Connection c, RangeTable t) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PartitionQueries.detachedLeftovers())) {
            ps.setString(1, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString("name"));
                }
            }
        }
        return names;
    }

    /** A relation name of the current schema as SQL: names come from the catalog, quoted by the driver's rules. */
    private static String quoted(String name) throws SQLException {
        return org.postgresql.core.Utils.escapeIdentifier(null, name).toString();
    }

    private static List<String> names(List<PartitionStatus.Partition> partitions) {
        return partitions == null
                ? List.of()
                : partitions.stream().map(PartitionStatus.Partition::name).toList();
    }

    private String summary(List<TableReport> reports) {
        int created = reports.stream().mapToInt(r -> r.created().size()).sum();
        long moved = reports.stream().mapToLong(TableReport::movedFromDefault).sum();
        int expired = reports.stream().mapToInt(r -> r.expired().size()).sum();
        int errors = reports.stream().mapToInt(r -> r.errors().size()).sum();
        if (created == 0 && moved == 0 && expired == 0 && errors == 0) {
            return "partitions up to date: nothing to do";
        }
        return String.format(
                "%d partitions created, %d rows moved out of default partitions, %d expired partitions %s%s",
                created,
                moved,
                expired,
                properties.retentionAction() == PartitionProperties.RetentionAction.ARCHIVE
                        ? "moved to schema " + properties.archiveSchema()
                        : "dropped",
                errors == 0 ? "" : ", " + errors + " errors (the next run retries)");
    }

    private static MaintenanceReport skipped(Outcome outcome, String message, long started) {
        return new MaintenanceReport(outcome, message, List.of(), since(started));
    }

    private static Duration since(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The first column of a one-row statement. */
    private static Object query(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1);
            }
        }
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
