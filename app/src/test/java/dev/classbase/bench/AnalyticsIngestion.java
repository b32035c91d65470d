package dev.classbase.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import javax.sql.DataSource;

/**
 * (c) Ingestion through {@code POST /api/v1/events}: wrk (a C load generator, so the client takes
 * little of the two cores from the server) posts full batches (1,000 events, the endpoint's
 * maximum) as the tenant's admin, who may record events of the tenant's users, from a few
 * prepared bodies: events of 50 users each, over the last two days, so the inbox trigger writes
 * about a hundred (tenant, day, user) rows per batch, as a collector's batches would. Measured
 * with the rollup inbox trigger on (as deployed) and, the same run, with it off: the difference is
 * the trigger's cost. The four halves run on, off, off, on (ABBA), so a drift (the JIT, a growing
 * table, a neighbour on a shared machine) weighs on both alike; a side's throughput is the mean
 * of its halves, its p50 the mean of theirs, its p99 the larger. Only 202 answers count; any
 * other stops the benchmark.
 */
final class AnalyticsIngestion {
    static final int BATCH = 1_000;
    private static final int BODIES = 16;
    /** POSTs the prepared bodies in turn; the ending counts the answers that are not 202. */
    private static final String SCRIPT = """
            local dir = "%s"
            local bodies = {}
            local next_body = 0
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            function init(args)
              for i = 1, %d do
                local f = assert(io.open(dir .. "/body" .. i .. ".json", "r"))
                bodies[i] = f:read("*a")
                f:close()
              end
            end
            function request()
              next_body = next_body %% #bodies + 1
              return wrk.format(nil, nil, nil, bodies[next_body])
            end
            """;

    record Run(String label, double eventsPerSecond, double p50Ms, double p99Ms, long requests) {}

    record Result(Run withTrigger, Run withoutTrigger) {
        /** The share of throughput the trigger costs. */
        double triggerCost() {
            return 1 - withTrigger.eventsPerSecond() / withoutTrigger.eventsPerSecond();
        }
    }

    private AnalyticsIngestion() {}

    static Result run(
            Path wrk,
            URI uri,
            String token,
            DataSource owner,
            long firstUser,
            int users,
            int threads,
            int connections,
            int warmupSeconds,
            int seconds)
            throws IOException, InterruptedException, SQLException {
        Path dir = Files.createTempDirectory("classbase-ingest-");
        try {
            writeBodies(dir, firstUser, users);
            Path script = dir.resolve("post.lua");
            Files.writeString(script, SCRIPT.formatted(dir, BODIES) + Wrk.countingStatus(202), StandardCharsets.UTF_8);
            if (warmupSeconds > 0) {
                wrk(wrk, script, uri, token, threads, connections, warmupSeconds, "warm-up");
            }
            int half = Math.max(1, seconds / 2);
            Run on1 = wrk(wrk, script, uri, token, threads, connections, half, "inbox trigger on");
            Run off1;
            Run off2;
            trigger(owner, false);
            try {
                off1 = wrk(wrk, script, uri, token, threads, connections, half, "inbox trigger off");
                off2 = wrk(wrk, script, uri, token, threads, connections, half, "inbox trigger off");
            } finally {
                trigger(owner, true);
            }
            Run on2 = wrk(wrk, script, uri, token, threads, connections, half, "inbox trigger on");
            return new Result(both(on1, on2), both(off1, off2));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Run both(Run a, Run b) {
        return new Run(
                a.label(),
                (a.eventsPerSecond() + b.eventsPerSecond()) / 2,
                (a.p50Ms() + b.p50Ms()) / 2,
                Math.max(a.p99Ms(), b.p99Ms()),
                a.requests() + b.requests());
    }

    private static void writeBodies(Path dir, long firstUser, int users) throws IOException {
        Random random = new Random(42);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
        for (int b = 1; b <= BODIES; b++) {
            long[] batchUsers = new long[50];
            for (int u = 0; u < batchUsers.length; u++) {
                batchUsers[u] = firstUser + random.nextInt(users);
            }
            StringBuilder json = new StringBuilder(BATCH * 140).append("{\"events\":[");
            for (int i = 0; i < BATCH; i++) {
                if (i > 0) {
                    json.append(',');
                }
                json.append("{\"kind\":\"page_view\",\"occurredAt\":\"")
                        .append(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                                now.minusSeconds(random.nextInt(2 * 86_400))))
                        .append("\",\"payload\":{\"path\":\"/courses/")
                        .append(1 + random.nextInt(40))
                        .append("\",\"duration_ms\":")
                        .append(200 + random.nextInt(30_000))
                        .append("},\"userId\":")
                        .append(batchUsers[random.nextInt(batchUsers.length)])
                        .append('}');
            }
            json.append("]}");
            Files.writeString(dir.resolve("body" + b + ".json"), json, StandardCharsets.UTF_8);
        }
    }

    private static void trigger(DataSource owner, boolean enabled) throws SQLException {
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("alter table analytics_events " + (enabled ? "enable" : "disable")
                    + " trigger analytics_events_rollup");
        }
    }

    private static Run wrk(
            Path wrk, Path script, URI uri, String token, int threads, int connections, int seconds, String label)
            throws IOException, InterruptedException {
        Wrk.Output out = Wrk.at(wrk).run(script, uri, token, threads, connections, seconds);
        System.err.println("wrk, " + label + ":\n" + out.text());
        long[] counts = Wrk.statusCounts(out);
        long requests = counts[0];
        long failed = counts[1];
        if (failed > 0) {
            throw new IllegalStateException(failed + " of " + requests + " batches were not accepted:\n" + out.text());
        }
        return new Run(label, out.requestsPerSecond() * BATCH, out.p50Ms(), out.p99Ms(), requests);
    }
}
