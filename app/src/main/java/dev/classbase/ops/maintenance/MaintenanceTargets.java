package dev.classbase.ops.maintenance;

import dev.classbase.ops.indexes.IndexAudit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * What each task would process now, and why: the tables over the autovacuum formula, the
 * partitioned parents autovacuum never analyzes, and the invalid or bloated indexes of the index
 * audit (ops/indexes). Read-only: the same answer serves a run, a dry run and the console.
 */
final class MaintenanceTargets {
    private static final String NO_RIGHT = "no right to maintain it as %s: on PostgreSQL 17+ GRANT pg_maintain TO %s"
            + " WITH INHERIT TRUE, or run ./classbase maintain as the owner";

    /** Left behind by an interrupted REINDEX CONCURRENTLY (manual, REINDEX): drop, do not rebuild. */
    private static final Pattern REINDEX_LEFTOVER = Pattern.compile(".*_cc(new|old)[0-9]*$");

    private final DataSource dataSource;
    private final MaintenanceProperties properties;
    private final IndexAudit audit;

    MaintenanceTargets(DataSource dataSource, MaintenanceProperties properties) {
        this.dataSource = dataSource;
        this.properties = properties;
        long minBytes = properties.reindexMinSize().toBytes();
        this.audit = new IndexAudit(
                dataSource,
                new IndexAudit.Thresholds(Long.MAX_VALUE, Long.MAX_VALUE, minBytes, Duration.ofSeconds(30)));
    }

    List<MaintenanceTarget> of(Task task) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return of(c, task);
        }
    }

    /** On the caller's connection: a run's own, or the console's bounded read; never a second one. */
    List<MaintenanceTarget> of(Connection c, Task task) throws SQLException {
        return switch (task) {
            case VACUUM -> vacuum(c);
            case ANALYZE -> analyze(c);
            case REINDEX -> reindex(c);
            case BACKUP, ALL -> List.of();
        };
    }

    private List<MaintenanceTarget> vacuum(Connection c) throws SQLException {
        List<MaintenanceTarget> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.vacuumCandidates())) {
            ps.setLong(1, properties.vacuumThreshold());
            ps.setDouble(2, properties.vacuumScaleFactor());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long live = rs.getLong(3);
                    long dead = rs.getLong(4);
                    String reason = String.format(
                            "%,d dead tuples > %d + %s × %,d live (autovacuum formula); last vacuum %s",
                            dead,
                            properties.vacuumThreshold(),
                            properties.vacuumScaleFactor(),
                            live,
                            when(rs.getObject(5, OffsetDateTime.class)));
                    out.add(candidate(c, Task.VACUUM, rs, kind(rs.getString(6)), reason, rs.getBoolean(7)));
                }
            }
        }
        return out;
    }

    /** Partitioned parents first; a partition whose parent is analyzed in the same run is covered by it. */
    private List<MaintenanceTarget> analyze(Connection c) throws SQLException {
        List<MaintenanceTarget> out = new ArrayList<>();
        Set<String> parents = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.partitionedParentCandidates())) {
            ps.setLong(1, properties.analyzeThreshold());
            ps.setDouble(2, properties.analyzeScaleFactor());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime last = rs.getObject(8, OffsetDateTime.class);
                    OffsetDateTime leafAuto = rs.getObject(6, OffsetDateTime.class);
                    String why = last == null
                            ? "never analyzed"
                            : rs.getLong(4)
                                            > properties.analyzeThreshold()
                                                    + properties.analyzeScaleFactor() * rs.getLong(3)
                                    ? String.format(
                                            "%,d rows of its %d partitions changed > %d + %s × %,d live",
                                            rs.getLong(4),
                                            rs.getLong(5),
                                            properties.analyzeThreshold(),
                                            properties.analyzeScaleFactor(),
                                            rs.getLong(3))
                                    : "a partition was auto-analyzed (" + when(leafAuto) + ") after it (" + when(last)
                                            + ")";
                    String reason = "partitioned table, which autovacuum never analyzes: " + why
                            + "; analyzes its partitions too";
                    MaintenanceTarget candidate =
                            candidate(c, Task.ANALYZE, rs, "partitioned table", reason, rs.getBoolean(9));
                    if (candidate.runs()) {
                        parents.add(rs.getString(7));
                    }
                    out.add(candidate);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.analyzeCandidates())) {
            ps.setLong(1, properties.analyzeThreshold());
            ps.setDouble(2, properties.analyzeScaleFactor());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String reason = String.format(
                            "%,d rows changed since its last analyze > %d + %s × %,d live (autovacuum formula); "
                                    + "last analyze %s",
                            rs.getLong(4),
                            properties.analyzeThreshold(),
                            properties.analyzeScaleFactor(),
                            rs.getLong(3),
                            when(rs.getObject(5, OffsetDateTime.class)));
                    String root = rs.getString(6);
                    MaintenanceTarget candidate = candidate(c, Task.ANALYZE, rs, kind(root), reason, rs.getBoolean(7));
                    if (candidate.runs() && parents.contains(root)) {
                        candidate = candidate.skipped("covered by the ANALYZE of " + root);
                    }
                    out.add(candidate);
                }
            }
        }
        return out;
    }

    private List<MaintenanceTarget> reindex(Connection c) throws SQLException {
        List<MaintenanceTarget> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (IndexAudit.InvalidIndex i : audit.invalid(c)) {
            seen.add(i.schema() + "." + i.index());
            MaintenanceTarget candidate = new MaintenanceTarget(
                    Task.REINDEX,
                    i.schema(),
                    i.index(),
                    "index on " + i.table(),
                    "invalid (a CREATE INDEX CONCURRENTLY or REINDEX that broke off): the planner ignores it, "
                            + "writes still maintain it",
                    null);
            if (REINDEX_LEFTOVER.matcher(i.index()).matches()) {
                candidate = candidate.skipped("a leftover of an interrupted REINDEX CONCURRENTLY: drop it "
                        + "(DROP INDEX CONCURRENTLY), as the manual's REINDEX page advises");
            }
            out.add(mayReindex(c, candidate));
        }
        for (IndexAudit.IndexBloat b : audit.bloat(c)) {
            if (b.bytes() <= 0 || seen.contains(b.schema() + "." + b.index())) {
                continue;
            }
            long percent = Math.round(100.0 * b.bloatBytes() / b.bytes());
            if (percent < properties.reindexBloatPercent()) {
                continue;
            }
            out.add(mayReindex(
                    c,
                    new MaintenanceTarget(
                            Task.REINDEX,
                            b.schema(),
                            b.index(),
                            "index on " + b.table(),
                            String.format(
                                    "~%d%% bloat (%s of %s, %s) >= %d%%",
                                    percent,
                                    mb(b.bloatBytes()),
                                    mb(b.bytes()),
                                    b.exact() ? "pgstattuple" : "estimate",
                                    properties.reindexBloatPercent()),
                            null)));
        }
        return out;
    }

    private static MaintenanceTarget candidate(
            Connection c, Task task, ResultSet rs, String kind, String reason, boolean may) throws SQLException {
        MaintenanceTarget candidate = new MaintenanceTarget(task, rs.getString(1), rs.getString(2), kind, reason, null);
        return may ? candidate : candidate.skipped(noRight(c));
    }

    private static MaintenanceTarget mayReindex(Connection c, MaintenanceTarget candidate) throws SQLException {
        if (!candidate.runs()) {
            return candidate;
        }
        try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.mayReindex())) {
            ps.setString(1, candidate.schema());
            ps.setString(2, candidate.name());
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next() || rs.getBoolean(1) ? candidate : candidate.skipped(noRight(c));
            }
        }
    }

    private static String noRight(Connection c) throws SQLException {
        String user = c.getMetaData().getUserName();
        return NO_RIGHT.formatted(user, user);
    }

    private static String kind(String root) {
        return root == null || root.isEmpty() ? "table" : "partition of " + root;
    }

    private static String when(OffsetDateTime t) {
        return t == null ? "never" : t.withNano(0).toString();
    }

    private static String mb(long bytes) {
        return bytes >= 1 << 20 ? String.format("%.1f MB", bytes / 1048576.0) : (bytes / 1024) + " kB";
    }
}
