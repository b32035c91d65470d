package dev.classbase.ops.tune;

import static dev.classbase.ops.tune.Units.GB;
import static dev.classbase.ops.tune.Units.KB;
import static dev.classbase.ops.tune.Units.MB;

import dev.classbase.ops.tune.TuningInputs.Storage;
import dev.classbase.ops.tune.TuningInputs.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * postgresql.conf settings for a machine: a pure calculation, each value with its rule and source.
 * The rules are the PostgreSQL 17 manual's starting points (chapter "Server Configuration", cited by page name),
 * PGTune's conventions (pgtune.leopard.in.ua, github.com/le0pard/pgtune: shared_buffers 25 % of RAM,
 * effective_cache_size 75 %, maintenance_work_mem RAM / 16, random_page_cost 1.1 on an SSD), and
 * autovacuum thresholds below the defaults for the write-heavy tables.
 * Memory values are rounded down to whole megabytes so the snippet reads like a hand-written one.
 */
public final class Tuning {

    /** PostgreSQL's default work_mem: below it sorts spill to disk for no memory saved worth having. */
    static final long WORK_MEM_FLOOR = 4 * MB;

    /**
     * work_mem is per sort or hash node, per connection, and a parallel query multiplies it: past
     * 256MB one bad web query can take gigabytes, so larger reports set it per session instead.
     */
    static final long WORK_MEM_CEILING = 256 * MB;

    /** Past 2GB VACUUM does not use more (its dead-tuple store is capped at 1GB before PostgreSQL 17). */
    static final long MAINTENANCE_WORK_MEM_CEILING = 2 * GB;

    private static final String MANUAL_MEMORY = "manual: runtime-config-resource (Memory)";
    private static final String MANUAL_PLANNER = "manual: runtime-config-query";
    private static final String MANUAL_ASYNC = "manual: runtime-config-resource (Asynchronous Behavior)";
    private static final String MANUAL_WAL = "manual: runtime-config-wal";
    private static final String MANUAL_AUTOVACUUM = "manual: runtime-config-autovacuum, routine-vacuuming";
    private static final String MANUAL_CLIENT = "manual: runtime-config-client";
    private static final String MANUAL_REPLICATION = "manual: runtime-config-replication";
    private static final String MANUAL_LOGGING = "manual: runtime-config-logging";
    private static final String MANUAL_STATISTICS = "manual: runtime-config-statistics";

    private Tuning() {}

    public static List<Recommendation> recommend(TuningInputs in) {
        List<Recommendation> out = new ArrayList<>();
        long ram = in.ramBytes();
        boolean ssd = in.storage() == Storage.SSD;

        out.add(new Recommendation(
                "max_connections",
                Integer.toString(in.maxConnections()),
                "as given: the pools' budget (./classbase pool-size) must fit under it",
                "input"));

        // Memory. The manual: "a reasonable starting value for shared_buffers is 25% of the memory";
        // the OS page cache holds the rest, which is what effective_cache_size tells the planner.
        long sharedBuffers = Math.max(128 * MB, floorMb(ram / 4));
        out.add(new Recommendation(
                "shared_buffers",
                Units.formatBytes(sharedBuffers),
                "25 % of RAM (restart)",
                MANUAL_MEMORY + "; PGTune"));
        out.add(new Recommendation(
                "effective_cache_size",
                Units.formatBytes(floorMb(ram * 3 / 4)),
                "75 % of RAM: shared_buffers plus the OS page cache",
                MANUAL_PLANNER + "; PGTune"));
        out.add(new Recommendation(
                "work_mem",
                Units.formatBytes(workMem(in, sharedBuffers)),
                "(RAM - shared_buffers) / (max_connections x 3)"
                        + (in.workload() == Workload.MIXED ? " / 2 for mixed" : "")
                        + ", clamped to 4MB..256MB",
                MANUAL_MEMORY + "; PGTune"));
        out.add(new Recommendation(
                "maintenance_work_mem",
                Units.formatBytes(Math.max(64 * MB, Math.min(MAINTENANCE_WORK_MEM_CEILING, floorMb(ram / 16)))),
                "RAM / 16, 64MB..2GB: VACUUM, CREATE INDEX, few at a time",
                MANUAL_MEMORY + "; PGTune (512MB at 8GB)"));

        // Planner and I/O: on an SSD a random read costs about what a sequential one does.
        out.add(new Recommendation(
                "random_page_cost",
                ssd ? "1.1" : "4.0",
                ssd ? "SSD: random reads almost as cheap as sequential" : "HDD: PostgreSQL's default",
                MANUAL_PLANNER + "; PGTune"));
        out.add(new Recommendation(
                "effective_io_concurrency",
                ssd ? "200" : "2",
                ssd ? "SSD: hundreds of concurrent reads" : "HDD: about one per spindle",
                MANUAL_ASYNC + "; PGTune"));

        // Parallel query: workers come from the cores; per gather capped at 4 for OLTP (PGTune),
        // where many short queries already keep the cores busy.
        int half = Math.min(4, in.cores() / 2);
        out.add(new Recommendation(
                "max_worker_processes",
                Integer.toString(Math.max(8, in.cores())),
                "cores, at least the default 8 (restart)",
                MANUAL_ASYNC + "; PGTune"));
        out.add(new Recommendation(
                "max_parallel_workers", Integer.toString(in.cores()), "one per core", MANUAL_ASYNC + "; PGTune"));
        out.add(new Recommendation(
                "max_parallel_workers_per_gather",
                Integer.toString(half),
                "half the cores, at most 4",
                MANUAL_ASYNC + "; PGTune"));
        out.add(new Recommendation(
                "max_parallel_maintenance_workers",
                Integer.toString(half),
                "half the cores, at most 4",
                MANUAL_ASYNC + "; PGTune"));

        // WAL and checkpoints.
        long walBuffers = Math.max(64 * KB, Math.min(16 * MB, sharedBuffers / 32 / KB * KB));
        out.add(new Recommendation(
                "wal_buffers",
                Units.formatBytes(walBuffers),
                "shared_buffers / 32, 64kB..16MB: what -1 picks, written out (restart)",
                MANUAL_WAL));
        out.add(new Recommendation(
                "checkpoint_completion_target",
                "0.9",
                "spread checkpoint writes over 90 % of the interval",
                MANUAL_WAL + ", wal-configuration"));
        out.add(new Recommendation(
                "min_wal_size", "1GB", "recycled WAL kept between checkpoints", MANUAL_WAL + "; PGTune"));
        out.add(new Recommendation(
                "max_wal_size", "4GB", "fewer forced checkpoints under write bursts", MANUAL_WAL + "; PGTune"));

        // Streaming replication (infrastructure/replication): the defaults since PostgreSQL 10 already
        // allow it; written out so a server set up from this file has them whatever its packager chose.
        out.add(new Recommendation(
                "wal_level",
                "replica",
                "enough WAL for streaming replicas and base backups (restart)",
                MANUAL_WAL + ", warm-standby"));
        out.add(new Recommendation(
                "max_wal_senders",
                "10",
                "one per replica, two per running pg_basebackup, room to spare (restart)",
                MANUAL_REPLICATION));
        out.add(new Recommendation(
                "max_replication_slots",
                "10",
                "one physical slot per replica, so the primary keeps the WAL it has not received (restart)",
                MANUAL_REPLICATION + ", warm-standby (Replication Slots)"));
        out.add(new Recommendation(
                "max_slot_wal_keep_size",
                "8GB",
                "twice max_wal_size: a replica away longer loses its slot instead of filling the primary's disk",
                MANUAL_REPLICATION));
        out.add(new Recommendation(
                "wal_compression",
                "on",
                "full-page images compressed: less WAL to write and to ship to replicas",
                MANUAL_WAL));
        out.add(new Recommendation(
                "hot_standby_feedback",
                "on",
                "read on a replica: its queries are not cancelled by vacuum on the primary (at some bloat)",
                MANUAL_REPLICATION + ", hot-standby (Handling Query Conflicts)"));

        // Statistics the database console reads (ops/queries, ops/checks, the index advisor), after
        // PgHero's setup: pg_stat_statements preloaded and I/O timed. auto_explain is loaded but off
        // until an operator sets a threshold (ALTER SYSTEM SET auto_explain.log_min_duration = '1s';
        // SELECT pg_reload_conf()), so it costs nothing until asked.
        out.add(new Recommendation(
                "shared_preload_libraries",
                "'pg_stat_statements,auto_explain'",
                "statement statistics for the console; slow plans to the log when asked (restart)",
                MANUAL_CLIENT + " (Shared Library Preloading), pgstatstatements, auto-explain; PgHero"));
        out.add(new Recommendation(
                "pg_stat_statements.track",
                "all",
                "statements inside functions too (the at-risk, export and rollup functions)",
                "manual: pgstatstatements"));
        out.add(new Recommendation(
                "auto_explain.log_min_duration",
                "-1",
                "off; a duration such as 1s logs the plan of every statement slower than it",
                "manual: auto-explain"));
        out.add(new Recommendation(
                "track_io_timing",
                "on",
                "read and write times in pg_stat_statements and EXPLAIN (BUFFERS); check the clock with pg_test_timing",
                MANUAL_STATISTICS + "; PgHero"));
        out.add(new Recommendation(
                "track_activity_query_size",
                "4096",
                "whole statements in pg_stat_activity, not their first 1kB (restart)",
                MANUAL_STATISTICS));

        // Logging: what pgbadger and an operator reading the log need.
        out.add(new Recommendation(
                "log_min_duration_statement",
                "1s",
                "every statement slower than 1 s in the log, with its duration",
                MANUAL_LOGGING));
        out.add(new Recommendation(
                "log_lock_waits",
                "on",
                "a lock wait longer than deadlock_timeout (1s) is logged with who holds the lock",
                MANUAL_LOGGING));
        out.add(new Recommendation(
                "log_checkpoints",
                "on",
                "each checkpoint and its cause: many caused by WAL say max_wal_size is too small",
                MANUAL_LOGGING + ", wal-configuration"));
        out.add(new Recommendation(
                "log_temp_files",
                "10MB",
                "sorts and hashes that spill more than 10MB to disk: work_mem is short for them",
                MANUAL_LOGGING));

        // Autovacuum for write-heavy tables (submissions, progress, analytics_events, activity_logs):
        // the defaults (20 % dead, 1min naptime, cost limit 200) let big tables bloat between runs.
        out.add(new Recommendation(
                "autovacuum_max_workers",
                Integer.toString(Math.max(3, Math.min(6, in.cores() / 2))),
                "half the cores, 3..6 (restart)",
                MANUAL_AUTOVACUUM));
        out.add(new Recommendation(
                "autovacuum_naptime", "30s", "check each database twice a minute", MANUAL_AUTOVACUUM));
        out.add(new Recommendation(
                "autovacuum_vacuum_scale_factor", "0.05", "vacuum at 5 % dead rows, not 20 %", MANUAL_AUTOVACUUM));
        out.add(new Recommendation(
                "autovacuum_vacuum_insert_scale_factor",
                "0.05",
                "append-only logs get their visibility map set early",
                MANUAL_AUTOVACUUM));
        out.add(new Recommendation(
                "autovacuum_analyze_scale_factor",
                "0.02",
                "fresh statistics at 2 % changed rows, not 10 %",
                MANUAL_AUTOVACUUM));
        out.add(new Recommendation(
                "autovacuum_vacuum_cost_limit",
                ssd ? "1000" : "200",
                ssd ? "SSD: 5x the default I/O budget, shared by the workers" : "HDD: the default budget",
                MANUAL_AUTOVACUUM));

        // Timeouts: a forgotten open transaction holds back vacuum on every table.
        out.add(new Recommendation(
                "idle_in_transaction_session_timeout",
                "5min",
                "end sessions left idle in a transaction",
                MANUAL_CLIENT));
        out.add(new Recommendation(
                "statement_timeout",
                "0",
                "none server-wide: the app sets one per pool (RolePools), migrations need none",
                MANUAL_CLIENT));
        return List.copyOf(out);
    }

    /** The recommendation for one parameter. */
    public static Recommendation of(TuningInputs in, String name) {
        return recommend(in).stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no recommendation for " + name));
    }

    private static long workMem(TuningInputs in, long sharedBuffers) {
        long perNode = (in.ramBytes() - sharedBuffers) / (in.maxConnections() * 3L);
        if (in.workload() == Workload.MIXED) {
            perNode /= 2; // PGTune: mixed workloads run reports beside the web traffic
        }
        return Math.max(WORK_MEM_FLOOR, Math.min(WORK_MEM_CEILING, floorMb(perNode)));
    }

    private static long floorMb(long bytes) {
        return bytes / MB * MB;
    }
}
