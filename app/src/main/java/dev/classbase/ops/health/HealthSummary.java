package dev.classbase.ops.health;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.classbase.data.pool.Pools;
import dev.classbase.ops.checks.Check;
import dev.classbase.ops.checks.Checks;
import dev.classbase.ops.space.Space;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/**
 * The database's health in one answer: the app's pools, connections, replication, the slowest
 * statements, the largest tables and index usage, each a section with a status (green, amber, red,
 * or unavailable and why). The sections are the console's own checks and space report (each a
 * bounded read: read-only, {@code SET LOCAL statement_timeout}, rolled back), run one after another
 * (the console has two connections of its own, and the summary must not take both) under one time
 * budget: a section still running when the budget is spent is reported unavailable and the rest are
 * skipped, so the answer never takes much longer than the budget. Every list keeps its first {@code
 * top} rows.
 */
@Service
class HealthSummary {
    static final List<String> SECTIONS =
            List.of("pools", "connections", "replication", "slow_queries", "largest_tables", "index_usage");

    /** A Hikari pool right now (HikariCP's pool MXBean). */
    record PoolState(String name, int active, int idle, int waiting, int total, int max) {}

    /** A table and its size, partitions rolled up. */
    record TableSize(String table, long totalBytes, long tableBytes, long indexBytes, long estimatedRows) {}

    /**
     * One section: its status, the console checks it is made of (their rows capped), and rows of its
     * own (pools, tables).
     */
    record Section(String name, String status, String note, List<Check> checks, List<? extends Record> items) {}

    /** The summary: the worst status of its sections, when it was taken, how long it took. */
    record Report(String status, OffsetDateTime takenAt, long tookMs, long budgetMs, int top, List<Section> sections) {}

    @FunctionalInterface
    interface SectionRead {
        Section read() throws SQLException;
    }

    private final Checks checks;
    private final Pools pools;
    private final Space space;
    private final HealthProperties properties;

    @Autowired
    HealthSummary(Checks checks, Pools pools, HealthProperties properties) {
        this(checks, pools, new Space(pools.primary(), Duration.ofSeconds(10)), properties);
    }

    HealthSummary(Checks checks, Pools pools, Space space, HealthProperties properties) {
        this.checks = checks;
        this.pools = pools;
        this.space = space;
        this.properties = properties;
    }

    Report report() {
        long started = System.nanoTime();
        long deadline = started + properties.budget().toNanos();
        List<Section> sections = new ArrayList<>();
        List<SectionRead> reads = List.of(
                this::pools,
                this::connections,
                this::replication,
                this::slowQueries,
                this::largestTables,
                this::indexUsage);
        boolean spent = false;
        // not closed with try-with-resources: close() would wait for a section past the budget
        ExecutorService runner = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int i = 0; i < reads.size(); i++) {
                String name = SECTIONS.get(i);
                if (spent) {
                    sections.add(unavailable(
                            name,
                            "skipped: the summary's budget of "
                                    + properties.budget().toSeconds() + " s was spent"));
                    continue;
                }
                SectionRead read = reads.get(i);
                Future<Section> future = runner.submit((Callable<Section>) read::read);
                try {
                    sections.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    // the read goes on until its own statement_timeout; nothing after it starts
                    spent = true;
                    sections.add(unavailable(
                            name,
                            "not finished within the summary's budget of "
                                    + properties.budget().toSeconds() + " s"));
                } catch (ExecutionException e) {
                    sections.add(
                            unavailable(name, "the read failed: " + e.getCause().getMessage()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    sections.add(unavailable(name, "interrupted"));
                    spent = true;
                }
            }
        } finally {
            runner.shutdownNow(); // a section past the budget is not waited for
        }
        String status = Check.GREEN;
        for (Section s : sections) {
            status = worse(status, s.status());
        }
        return new Report(
                status,
                OffsetDateTime.now(ZoneOffset.UTC),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                properties.budget().toMillis(),
                properties.top(),
                sections);
    }

    /**
     * Red when a caller is waiting for a connection (the pool is exhausted: it fails after HikariCP's
     * connectionTimeout), amber when a pool has every connection in use.
     */
    private Section pools() {
        List<PoolState> states = new ArrayList<>();
        String status = Check.GREEN;
        for (HikariDataSource ds : pools.all()) {
            HikariPoolMXBean mx = ds.isClosed() ? null : ds.getHikariPoolMXBean();
            if (mx == null) {
                continue; // not started yet: nothing borrowed, nothing waiting
            }
            PoolState p = new PoolState(
                    ds.getPoolName(),
                    mx.getActiveConnections(),
                    mx.getIdleConnections(),
                    mx.getThreadsAwaitingConnection(),
                    mx.getTotalConnections(),
                    ds.getMaximumPoolSize());
            states.add(p);
            String own = p.waiting() > 0 ? Check.RED : p.active() >= p.max() ? Check.AMBER : Check.GREEN;
            status = worse(status, own);
        }
        return new Section(
                "pools",
                status,
                "red: a caller waits for a connection; amber: every connection of a pool is in use",
                List.of(),
                states);
    }

    private Section connections() {
        return fromChecks("connections", null, List.of(), "connections", "idle_in_transaction", "long_running_queries");
    }

    private Section replication() {
        return fromChecks("replication", null, List.of(), "replication_lag", "inactive_replication_slots");
    }

    private Section slowQueries() {
        return fromChecks("slow_queries", "slowest first, by mean time", List.of(), "slow_queries");
    }

    private Section largestTables() throws SQLException {
        List<TableSize> tables = space.tables().stream()
                .limit(properties.top())
                .map(t -> new TableSize(
                        t.schema() + "." + t.table(),
                        t.totalBytes(),
                        t.tableBytes(),
                        t.indexBytes(),
                        t.estimatedRows()))
                .toList();
        Section section = fromChecks("largest_tables", "largest first, partitions rolled up", tables, "disk_usage");
        if (Check.UNAVAILABLE.equals(section.status())) {
            // the disk could not be measured (its check says why), the tables could: not a blind spot
            return new Section(section.name(), Check.GREEN, section.note(), section.checks(), section.items());
        }
        return section;
    }

    private Section indexUsage() {
        return fromChecks("index_usage", null, List.of(), "invalid_indexes", "unused_indexes", "missing_indexes");
    }

    private Section fromChecks(String name, String note, List<? extends Record> items, String... names) {
        List<Check> found = new ArrayList<>();
        String status = Check.GREEN;
        for (String check : names) {
            Check c = checks.one(check).orElseThrow();
            found.add(capped(c));
            status = worse(status, c.status());
        }
        return new Section(name, status, note, found, items);
    }

    private Check capped(Check c) {
        List<? extends Record> details = c.details() == null ? List.of() : c.details();
        if (details.size() <= properties.top()) {
            return c;
        }
        return new Check(
                c.name(),
                c.status(),
                c.value(),
                c.threshold(),
                c.source(),
                c.note(),
                List.copyOf(details.subList(0, properties.top())));
    }

    private static Section unavailable(String name, String why) {
        return new Section(name, Check.UNAVAILABLE, why, List.of(), List.of());
    }

    /** The worse of two statuses: red, amber, unavailable, green. */
    static String worse(String a, String b) {
        return rank(b) > rank(a) ? b : a;
    }

    private static int rank(String status) {
        return switch (status) {
            case Check.RED -> 3;
            case Check.AMBER -> 2;
            case Check.UNAVAILABLE -> 1;
            default -> 0;
        };
    }
}
