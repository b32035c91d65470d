package dev.classbase.ops.queries;

import dev.classbase.data.JdbcUrls;
import dev.classbase.ops.kernel.ClusterJob;
import dev.classbase.ops.kernel.LocalTimeout;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one snapshot of pg_stat_statements, of the primary and of every replica (reads are routed
 * there and counted there), into query history on the primary (V61), and prunes what is past the
 * retention. One runner per cluster: a session advisory lock on the run's primary connection (so a
 * direct connection, not PgBouncer in transaction mode), as ops/views' ViewRefresher does; the
 * others skip. A snapshot is one transaction on the primary: the deltas, baselines and texts of all
 * servers commit together. A replica that does not answer is skipped and named in the snapshot; its
 * baseline stays, so its next delta covers the gap. A server's first reading is its baseline and
 * records no delta: its counters ran since the server started (or pg_stat_statements' last reset),
 * and booking them in the snapshot would put hours of work into a five-minute window. Beside the
 * statements, each server's commits, rollbacks and WAL (ServerQueries) are kept the same way.
 */
final class HistorySnapshot {
    private static final Logger log = LoggerFactory.getLogger(HistorySnapshot.class);
    static final String PRIMARY = "primary";

    enum Outcome {
        TAKEN,
        NOT_DUE,
        SKIPPED_LOCKED,
        SKIPPED_REPLICA
    }

    /** What a run did: the snapshot's id and statements recorded when taken, snapshots pruned. */
    record Result(
            Outcome outcome,
            Long snapshotId,
            int statements,
            int pruned,
            List<String> servers,
            List<String> missed,
            List<String> restarted,
            List<String> baselined) {
        static Result skipped(Outcome outcome, int pruned) {
            return new Result(outcome, null, 0, pruned, List.of(), List.of(), List.of(), List.of());
        }
    }

    private final DataSource primary;
    private final Map<String, DataSource> replicas;
    private final HistoryProperties properties;

    /** {@code replicas}: by name, read only (their statements are written to the primary). */
    HistorySnapshot(DataSource primary, Map<String, ? extends DataSource> replicas, HistoryProperties properties) {
        this.primary = primary;
        this.replicas = new LinkedHashMap<>(replicas);
        this.properties = properties;
    }

    /** {@code force}: take one even when the last is younger than the interval (tests, by hand). */
    Result run(boolean force) throws SQLException {
        try (Connection c = primary.getConnection()) {
            ClusterJob.Guarded<Result> run =
                    ClusterJob.once(c, HistoryQueries.RUNNER_LOCK, locked -> taken(locked, force));
            return run.ran()
                    ? run.value()
                    : Result.skipped(
                            run.skipped() == ClusterJob.Skip.REPLICA ? Outcome.SKIPPED_REPLICA : Outcome.SKIPPED_LOCKED,
                            0);
        }
    }

    private Result taken(Connection c, boolean force) throws SQLException {
        // a tick slightly early must not skip a whole interval: due at 90 % of it
        if (!force
                && !HistoryQueries.due(c, properties.interval().multipliedBy(9).dividedBy(10))) {
            return Result.skipped(Outcome.NOT_DUE, prune(c));
        }
        Result taken = take(c);
        return new Result(
                taken.outcome(),
                taken.snapshotId(),
                taken.statements(),
                prune(c),
                taken.servers(),
                taken.missed(),
                taken.restarted(),
                taken.baselined());
    }

    private record Read(
            OffsetDateTime statsReset, List<HistoryQueries.Entry> entries, ServerQueries.Counters counters) {}

    private Result take(Connection c) throws SQLException {
        long started = System.nanoTime();
        // every server is read before the primary's transaction opens, so it stays short
        Map<String, Read> reads = new LinkedHashMap<>();
        reads.put(PRIMARY, read(c));
        List<String> missed = new ArrayList<>();
        for (Map.Entry<String, DataSource> replica : replicas.entrySet()) {
            try (Connection r = replica.getValue().getConnection()) {
                reads.put(replica.getKey(), read(r));
            } catch (SQLException e) {
                missed.add(replica.getKey());
                log.warn(
                        "query history: replica {} did not answer; its next snapshot covers the gap: {}",
                        replica.getKey(),
                        JdbcUrls.mask(e.getMessage()));
            }
        }
        c.setAutoCommit(false);
        try {
            LocalTimeout.statement(c, properties.snapshotTimeout());
            long id = HistoryQueries.insertSnapshot(c);
            int statements = 0;
            List<String> restarted = new ArrayList<>();
            List<String> baselined = new ArrayList<>();
            for (Map.Entry<String, Read> server : reads.entrySet()) {
                String name = server.getKey();
                Read read = server.getValue();
                // a first reading holds everything since the server started: a baseline, no delta
                boolean first = !HistoryQueries.readBefore(c, name);
                if (first) {
                    baselined.add(name);
                }
                OffsetDateTime previous = HistoryQueries.lastStatsReset(c, name);
                // a whole reset that leaves a counter above its old value is caught here, not by "went down"
                boolean reset = previous != null
                        && read.statsReset() != null
                        && !Objects.equals(
                                previous.toInstant(), read.statsReset().toInstant());
                if (reset) {
                    restarted.add(name);
                }
                statements += HistoryQueries.recordDeltas(c, id, name, reset, first, read.entries());
                HistoryQueries.recordStatements(c, id, name, read.entries());
                HistoryQueries.saveStatsReset(c, name, read.statsReset());
                ServerQueries.record(
                        c,
                        id,
                        name,
                        first ? null : ServerQueries.baseline(c, name).orElse(null),
                        read.counters());
            }
            List<String> servers = List.copyOf(reads.keySet());
            HistoryQueries.finishSnapshot(
                    c, id, statements, servers, missed, (System.nanoTime() - started) / 1_000_000);
            c.commit();
            return new Result(
                    Outcome.TAKEN, id, statements, 0, servers, List.copyOf(missed), restarted, List.copyOf(baselined));
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    /** One server's counters, bounded by the snapshot timeout. */
    private Read read(Connection server) throws SQLException {
        boolean auto = server.getAutoCommit();
        server.setAutoCommit(false);
        try {
            LocalTimeout.statement(server, properties.snapshotTimeout());
            Read read = new Read(
                    HistoryQueries.statsReset(server), HistoryQueries.entries(server), ServerQueries.read(server));
            server.commit();
            return read;
        } catch (SQLException | RuntimeException e) {
            server.rollback();
            throw e;
        } finally {
            server.setAutoCommit(auto);
        }
    }

    /** Deletes expired snapshots a batch per transaction (autocommit), then expired statement texts. */
    private int prune(Connection c) throws SQLException {
        c.setAutoCommit(true);
        int pruned = 0;
        int n;
        do {
            n = HistoryQueries.deleteOldSnapshots(c, properties.retention(), properties.deleteBatch());
            pruned += n;
        } while (n == properties.deleteBatch());
        while (HistoryQueries.deleteOldStatements(c, properties.retention(), 1000) == 1000) {
            // next batch
        }
        return pruned;
    }
}
