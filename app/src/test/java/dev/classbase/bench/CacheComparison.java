package dev.classbase.bench;

import dev.classbase.cluster.Endpoint;
import dev.classbase.data.cache.CachedReads;
import dev.classbase.testsupport.TestApp;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One catalog endpoint three ways at the same concurrency for the same time: on a server whose
 * cache regions are on (L1, L2 on Redis, warm: every request a hit), on a server of the same
 * settings with the regions off (every request reads the replica), and pgbench running the
 * transaction the uncached server runs, on the replica it reads. Before any load the two servers'
 * answers are compared (same body; {@code hit} with no statement against {@code bypass}) and the
 * pgbench statement's rows against the endpoint's, so the three measure the same answer.
 *
 * <p>Beside each window: the CPU the benchmark's JVM spent per request (the servers live in it;
 * wrk and pgbench are processes of their own, and the idle server's background work is in the
 * figure too) and the replica's per request or pgbench transaction ({@link PostgresCpu}).
 */
final class CacheComparison {
    /** pgbench's prepared statements and the replica's buffers need seconds, not a JIT's minute. */
    private static final int PGBENCH_WARMUP_SECONDS = 5;

    /** What one endpoint is: its path, the SQL the uncached server runs for it, pgbench's variables. */
    record Target(String name, String path, String sql, Map<String, String> variables) {}

    /**
     * One window: throughput, latency, the share of answers read on the replica, and CPU per
     * request (µs) of the JVM and of the replica.
     */
    record Window(
            double perSecond,
            double p50Ms,
            double p99Ms,
            double onReplica,
            Optional<Double> jvmMicros,
            Optional<Double> dbMicros) {}

    record Round(Window cached, Window uncached, Optional<Window> pgbench) {
        double cachedOverUncached() {
            return cached.perSecond() / uncached.perSecond();
        }

        Optional<Double> uncachedOverPgbench() {
            return pgbench.map(p -> uncached.perSecond() / p.perSecond());
        }
    }

    record Result(
            Target target,
            int cachedStatements,
            int uncachedStatements,
            double onReplica,
            List<Round> rounds,
            Round median,
            String pgbench) {}

    private final TestApp cached;
    private final TestApp uncached;
    private final Endpoint replica;
    private final String replicaName;
    private final Wrk wrk;
    private final Optional<Pgbench> pgbench;
    private final Optional<PostgresCpu> replicaCpu;
    private final com.sun.management.OperatingSystemMXBean jvm =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    CacheComparison(
            TestApp cached,
            TestApp uncached,
            Endpoint replica,
            String replicaName,
            Wrk wrk,
            Optional<Pgbench> pgbench) {
        this.cached = cached;
        this.uncached = uncached;
        this.replica = replica;
        this.replicaName = replicaName;
        this.wrk = wrk;
        this.pgbench = pgbench;
        this.replicaCpu = PostgresCpu.of(replica);
    }

    /**
     * Checks each target's answers, gives pgbench {@value #PGBENCH_WARMUP_SECONDS} s of warm-up per
     * target (the servers are warm: {@link CacheBenchmark}), then runs {@code rounds} rounds, each
     * of every target in turn, each target a cached, an uncached and a pgbench window of {@code
     * seconds}: the targets share the machine's drift, and per target the round with the median
     * cached / uncached ratio is the result.
     */
    List<Result> run(List<Target> targets, String token, int concurrency, int seconds, int rounds) throws Exception {
        List<int[]> statements = new ArrayList<>();
        for (Target target : targets) {
            statements.add(check(target, token));
            if (pgbench.isPresent()) {
                pgbench.get().tps(replica, script(target), target.variables(), concurrency, PGBENCH_WARMUP_SECONDS);
            }
        }
        List<List<Round>> all = new ArrayList<>();
        targets.forEach(t -> all.add(new ArrayList<>()));
        for (int i = 0; i < Math.max(1, rounds); i++) {
            for (int t = 0; t < targets.size(); t++) {
                all.get(t).add(round(targets.get(t), token, concurrency, seconds));
            }
        }
        List<Result> results = new ArrayList<>();
        for (int t = 0; t < targets.size(); t++) {
            List<Round> byRatio = new ArrayList<>(all.get(t));
            byRatio.sort(Comparator.comparingDouble(Round::cachedOverUncached));
            results.add(new Result(
                    targets.get(t),
                    statements.get(t)[0],
                    statements.get(t)[1],
                    all.get(t).stream()
                            .mapToDouble(r -> r.uncached().onReplica())
                            .min()
                            .orElse(0),
                    all.get(t),
                    byRatio.get(byRatio.size() / 2),
                    pgbench.map(p -> p.binary().toString()).orElse(Pgbench.INSTALL_HINT)));
        }
        return results;
    }

    /**
     * The cached server answers a hit with no statement, the uncached one reads through, and both
     * answer the same body: {statements cached, statements uncached}.
     */
    private int[] check(Target target, String token) {
        HttpResponse<String> first = cached.get(target.path(), token);
        HttpResponse<String> hit = cached.get(target.path(), token);
        HttpResponse<String> read = uncached.get(target.path(), token);
        for (HttpResponse<String> r : List.of(first, hit, read)) {
            if (r.statusCode() != 200) {
                throw new IllegalStateException(
                        "GET " + target.path() + " answered " + r.statusCode() + ": " + r.body());
            }
        }
        expect(hit, "hit", 0, "the cached server's second answer");
        expect(read, "bypass", -1, "the uncached server's answer");
        if (!hit.body().equals(read.body())) {
            throw new IllegalStateException("the cached and uncached answers of " + target.path() + " differ:\n"
                    + hit.body() + "\n" + read.body());
        }
        return new int[] {statements(hit), statements(read)};
    }

    private Round round(Target target, String token, int concurrency, int seconds) throws Exception {
        Window c = window(URI.create(cached.url(target.path())), token, concurrency, seconds);
        Window u = window(URI.create(uncached.url(target.path())), token, concurrency, seconds);
        Optional<Window> p = pgbench.isPresent()
                ? Optional.of(pgbenchWindow(script(target), target.variables(), concurrency, seconds))
                : Optional.empty();
        return new Round(c, u, p);
    }

    /** The uncached server's transaction: pgjdbc's BEGIN READ ONLY, the data tier's tenant binding, the statement. */
    private static String script(Target target) {
        return "BEGIN READ ONLY;\n" + CatalogLoad.BIND_TENANT + "\n"
                + target.sql().strip() + ";\nCOMMIT;\n";
    }

    private static void expect(HttpResponse<String> response, String cache, int statements, String what) {
        String header = response.headers().firstValue(CachedReads.HEADER).orElse("(none)");
        if (!header.equals(cache) || (statements >= 0 && statements(response) != statements)) {
            throw new IllegalStateException(what + " says " + CachedReads.HEADER + ": " + header + " with "
                    + statements(response) + " statements; expected " + cache
                    + (statements >= 0 ? " with " + statements : ""));
        }
    }

    private static int statements(HttpResponse<String> response) {
        return Integer.parseInt(
                response.headers().firstValue("Classbase-Query-Count").orElse("-1"));
    }

    private Window window(URI uri, String token, int concurrency, int seconds) throws Exception {
        long jvmBefore = jvm.getProcessCpuTime();
        double dbBefore = replicaCpu.isPresent() ? replicaCpu.get().seconds() : 0;
        Wrk.Run run = wrk.run(uri, token, replicaName, concurrency, seconds);
        long jvmAfter = jvm.getProcessCpuTime();
        double dbAfter = replicaCpu.isPresent() ? replicaCpu.get().seconds() : 0;
        double requests = run.perSecond() * seconds;
        return new Window(
                run.perSecond(),
                run.p50Ms(),
                run.p99Ms(),
                run.onReplica(),
                jvmBefore < 0 ? Optional.empty() : Optional.of((jvmAfter - jvmBefore) / 1e3 / requests),
                replicaCpu.map(x -> 1e6 * (dbAfter - dbBefore) / requests));
    }

    private Window pgbenchWindow(String script, Map<String, String> variables, int concurrency, int seconds)
            throws Exception {
        double before = replicaCpu.isPresent() ? replicaCpu.get().seconds() : 0;
        double tps = pgbench.orElseThrow().tps(replica, script, variables, concurrency, seconds);
        double after = replicaCpu.isPresent() ? replicaCpu.get().seconds() : 0;
        return new Window(
                tps,
                Double.NaN,
                Double.NaN,
                1,
                Optional.empty(),
                replicaCpu.map(x -> 1e6 * (after - before) / (tps * seconds)));
    }
}
