package dev.classbase.ops.checks;

import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The overview: each check green, amber or red, with its threshold and the source of that threshold. */
@Service
public class Checks {
    static final List<String> NAMES = List.of(
            "long_running_queries",
            "slow_queries",
            "connections",
            "idle_in_transaction",
            "cache_hit_rate",
            "replication_lag",
            "inactive_replication_slots",
            "transaction_id_wraparound",
            "sequences_near_overflow",
            "invalid_indexes",
            "duplicate_indexes",
            "unused_indexes",
            "missing_indexes",
            "index_bloat",
            "table_bloat",
            "disk_usage");

    /** PgHero's transaction_id_danger: fewer than 10 million ids left is an emergency. */
    private static final long WRAPAROUND_RED_REMAINING = 10_000_000;

    /** A replica as the replica monitor last saw it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ReplicaLag(String replica, double lagSeconds, long lagBytes, boolean inRotation, String reason) {}

    private final ConsoleDatabase db;
    private final ConsoleProperties props;
    private final ReplicaMonitor replicas;
    private final AuditChecks audit;

    public Checks(ConsoleDatabase db, ConsoleProperties props, ReplicaMonitor replicas, AuditChecks audit) {
        this.db = db;
        this.props = props;
        this.replicas = replicas;
        this.audit = audit;
    }

    List<Check> all() {
        List<Check> all = new ArrayList<>();
        for (String name : NAMES) {
            all.add(one(name).orElseThrow());
        }
        return all;
    }

    public Optional<Check> one(String name) {
        try {
            return Optional.ofNullable(
                    switch (name) {
                        case "long_running_queries" -> longRunning();
                        case "slow_queries" -> slowQueries();
                        case "connections" -> connections();
                        case "idle_in_transaction" -> idleInTransaction();
                        case "cache_hit_rate" -> cacheHitRate();
                        case "replication_lag" -> replicationLag();
                        case "inactive_replication_slots" -> inactiveSlots();
                        case "transaction_id_wraparound" -> wraparound();
                        case "sequences_near_overflow" -> sequences();
                        case "invalid_indexes" -> invalidIndexes();
                        case "duplicate_indexes" -> audit.duplicateIndexes();
                        case "unused_indexes" -> audit.unusedIndexes();
                        case "missing_indexes" -> audit.missingIndexes();
                        case "index_bloat" -> audit.indexBloat();
                        case "table_bloat" -> audit.tableBloat();
                        case "disk_usage" -> audit.diskUsage();
                        default -> null;
                    });
        } catch (SQLException e) {
            return Optional.of(new Check(
                    name, Check.UNAVAILABLE, null, null, null, "the check failed: " + e.getMessage(), List.of()));
        }
    }

    private Check longRunning() throws SQLException {
        double seconds = props.longRunning().toMillis() / 1000.0;
        var rows = db.readOnly(props.checkTimeout(), c -> CheckQueries.longRunning(c, seconds));
        return new Check(
                "long_running_queries",
                rows.isEmpty() ? Check.GREEN : Check.AMBER,
                rows.size() + " running longer than " + props.longRunning().toSeconds() + " s",
                "amber when a statement runs > " + props.longRunning().toSeconds() + " s",
                "PgHero long_running_queries (60 s); classbase.console.long-running",
                db.allStats().note(),
                rows);
    }

    private Check slowQueries() throws SQLException {
        ConsoleDatabase.Feature feature = db.statements();
        String threshold = "amber: mean >= " + props.slowMeanMs() + " ms and >= " + props.slowMinCalls()
                + " calls; red: mean >= " + props.criticalMeanMs() + " ms";
        String source =
                "PgHero slow_queries (20 ms, 100 calls); critical > 1 s, as the slow-query alert; classbase.console.slow-*";
        if (!feature.available()) {
            return new Check("slow_queries", Check.UNAVAILABLE, null, threshold, source, feature.note(), List.of());
        }
        var rows = db.readOnly(
                props.checkTimeout(), c -> CheckQueries.slowStatements(c, props.slowMeanMs(), props.slowMinCalls()));
        boolean critical = rows.stream().anyMatch(r -> r.meanMs() >= props.criticalMeanMs());
        return new Check(
                "slow_queries",
                rows.isEmpty() ? Check.GREEN : critical ? Check.RED : Check.AMBER,
                rows.size() + " slow statements",
                threshold,
                source,
                db.allStats().note(),
                rows);
    }

    private Check connections() throws SQLException {
        CheckQueries.ConnectionUse row = db.readOnly(props.checkTimeout(), CheckQueries::connections);
        int used = row.used();
        int max = row.max();
        double percent = 100.0 * used / max;
        return new Check(
                "connections",
                percent > 95 ? Check.RED : percent > props.connectionsPercent() ? Check.AMBER : Check.GREEN,
                String.format("%d of %d (%.1f %%)", used, max, percent),
                "amber > " + props.connectionsPercent() + " % of max_connections; red > 95 %",
                "connections > 80 %, as the connections alert; classbase.console.connections-percent",
                null,
                List.of(row));
    }

    private Check idleInTransaction() throws SQLException {
        double seconds = props.idleInTransaction().toMillis() / 1000.0;
        double redSeconds = props.longRunning().toMillis() / 1000.0;
        var rows = db.readOnly(props.checkTimeout(), c -> CheckQueries.idleInTransaction(c, seconds));
        boolean red = rows.stream().anyMatch(r -> r.seconds() > redSeconds);
        return new Check(
                "idle_in_transaction",
                rows.isEmpty() ? Check.GREEN : red ? Check.RED : Check.AMBER,
                rows.size() + " sessions idle in a transaction",
                "amber > " + seconds + " s idle in a transaction (it holds locks and the xmin horizon); red > "
                        + redSeconds + " s",
                "classbase.console.idle-in-transaction; red at classbase.console.long-running",
                db.allStats().note(),
                rows);
    }

    private Check cacheHitRate() throws SQLException {
        CheckQueries.CacheHitRates row = db.readOnly(props.checkTimeout(), CheckQueries::cacheHitRates);
        Double tables = row.tables();
        Double indexes = row.indexes();
        double worst = Math.min(tables == null ? 100 : tables, indexes == null ? 100 : indexes);
        return new Check(
                "cache_hit_rate",
                worst < props.cacheHitRed() ? Check.RED : worst < props.cacheHitAmber() ? Check.AMBER : Check.GREEN,
                "tables " + (tables == null ? "no reads yet" : tables + " %") + ", indexes "
                        + (indexes == null ? "no reads yet" : indexes + " %"),
                "amber < " + props.cacheHitAmber() + " %; red < " + props.cacheHitRed() + " %",
                "PgHero cache hit rate (99 %); cache hit < 95 %, as the cache-hit alert; classbase.console.cache-hit-*",
                null,
                List.of(row));
    }

    /** From the replica monitor's last polls (every 250 ms): no second connection to each replica. */
    private Check replicationLag() {
        double amber = props.replicationLagAmber().toMillis() / 1000.0;
        double red = props.replicationLagRed().toMillis() / 1000.0;
        List<ReplicaLag> rows = new ArrayList<>();
        String status = Check.GREEN;
        for (ReplicaMonitor.Status s : replicas.statuses()) {
            rows.add(new ReplicaLag(s.name(), s.lagSeconds(), s.lagBytes(), s.inRotation(), s.reason()));
            String own = s.reason() != null && s.reason().startsWith("unreachable")
                    ? Check.RED
                    : s.lagSeconds() > red ? Check.RED : s.lagSeconds() > amber ? Check.AMBER : Check.GREEN;
            status = Check.rank(own) > Check.rank(status) ? own : status;
        }
        return new Check(
                "replication_lag",
                status,
                rows.isEmpty() ? "no replicas configured" : rows.size() + " replicas",
                "amber > " + amber + " s; red > " + red + " s or unreachable",
                "replication lag > 60 s, as the replication-lag alert; classbase.console.replication-lag-*",
                null,
                rows);
    }

    private Check inactiveSlots() throws SQLException {
        var rows = db.readOnly(props.checkTimeout(), CheckQueries::inactiveSlots);
        return new Check(
                "inactive_replication_slots",
                rows.isEmpty() ? Check.GREEN : Check.AMBER,
                rows.size() + " inactive slots",
                "amber when any slot is inactive (it retains WAL until dropped)",
                "PgHero replication_slots",
                null,
                rows);
    }

    private Check wraparound() throws SQLException {
        var rows = db.readOnly(props.checkTimeout(), CheckQueries::wraparound);
        String status = Check.GREEN;
        for (CheckQueries.Wraparound r : rows) {
            long remaining = r.remaining();
            long age = r.age();
            long freezeMax = r.freezeMaxAge();
            // past twice autovacuum_freeze_max_age, anti-wraparound vacuum is not keeping up
            String own =
                    remaining < WRAPAROUND_RED_REMAINING ? Check.RED : age > 2 * freezeMax ? Check.AMBER : Check.GREEN;
            status = Check.rank(own) > Check.rank(status) ? own : status;
        }
        return new Check(
                "transaction_id_wraparound",
                status,
                rows.isEmpty()
                        ? "no databases"
                        : "oldest age " + rows.getFirst().age(),
                "amber: age > 2 x autovacuum_freeze_max_age; red: < " + WRAPAROUND_RED_REMAINING + " ids left",
                "PgHero transaction_id_danger (10 million); PostgreSQL manual 24.1.5",
                null,
                rows);
    }

    private Check sequences() throws SQLException {
        var rows =
                db.readOnly(props.checkTimeout(), c -> CheckQueries.sequencesNearOverflow(c, props.sequencePercent()));
        return new Check(
                "sequences_near_overflow",
                rows.isEmpty() ? Check.GREEN : Check.RED,
                rows.size() + " sequences over " + props.sequencePercent() + " %",
                "red when a sequence has used > " + props.sequencePercent() + " % of its range",
                "PgHero sequence_danger (0.9); classbase.console.sequence-percent",
                "sequences this role may not read are not counted",
                rows);
    }

    private Check invalidIndexes() throws SQLException {
        var rows = db.readOnly(props.checkTimeout(), CheckQueries::invalidIndexes);
        return new Check(
                "invalid_indexes",
                rows.isEmpty() ? Check.GREEN : Check.RED,
                rows.size() + " invalid indexes",
                "red when any index is invalid (drop it or REINDEX CONCURRENTLY)",
                "PgHero invalid_indexes",
                rows.isEmpty() ? null : "an index being built CONCURRENTLY right now is invalid until it finishes",
                rows);
    }
}
