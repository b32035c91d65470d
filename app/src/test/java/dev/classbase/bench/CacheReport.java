package dev.classbase.bench;

import java.util.List;
import java.util.Optional;

/** The cache benchmark's tables, in markdown, as docs/BENCHMARKS.md shows them. */
final class CacheReport {
    static String of(
            CatalogLoad.Target target,
            String replica,
            int concurrency,
            int seconds,
            int warmup,
            int rounds,
            List<CacheComparison.Result> endpoints,
            CacheUnderWrites.Result mixed,
            int mixedSeconds,
            List<List<double[]>> warmUp,
            double elapsedSeconds) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "%nAs %s, wrk at concurrency %d, %d s windows; %d round(s) of on, off, pgbench, the round"
                        + " with the median on / off ratio; pgbench -M prepared at %d clients on %s, which the"
                        + " uncached server reads. Warm-up (every path of both parts in turn, at least %d s per"
                        + " server, until the JIT compiler is nearly idle), req/s in 5 s windows: on %s; off %s%n%n",
                target.email(),
                concurrency,
                seconds,
                rounds,
                concurrency,
                replica,
                warmup,
                rates(warmUp.get(0)),
                rates(warmUp.get(1))));
        out.append("| endpoint | regions on (hit) req/s, p50 / p99 ms | regions off req/s, p50 / p99 ms"
                + " | pgbench tps | on / off | off / pgbench |\n|---|---|---|---|---|---|\n");
        for (CacheComparison.Result r : endpoints) {
            CacheComparison.Round m = r.median();
            out.append(String.format(
                    "| %s `GET %s` (statements: %d on, %d off; %.1f %% of off's on %s) | %s | %s | %s | **%.1f×** | %s |%n",
                    r.target().name(),
                    r.target().path(),
                    r.cachedStatements(),
                    r.uncachedStatements(),
                    100 * r.onReplica(),
                    replica,
                    load(m.cached()),
                    load(m.uncached()),
                    m.pgbench().map(p -> String.format("%,.0f", p.perSecond())).orElse("skipped: " + r.pgbench()),
                    m.cachedOverUncached(),
                    m.uncachedOverPgbench()
                            .map(x -> String.format("%.0f %%", 100 * x))
                            .orElse("-")));
        }
        out.append("\nCPU per request, µs: the benchmark's JVM (all three servers; wrk and pgbench are"
                + " processes of their own) and the replica\n\n");
        out.append("| endpoint | JVM on / off | replica on / off / pgbench transaction |\n|---|---|---|\n");
        for (CacheComparison.Result r : endpoints) {
            CacheComparison.Round m = r.median();
            out.append(String.format(
                    "| %s | %s / %s | %s / %s / %s |%n",
                    r.target().name(),
                    micros(m.cached().jvmMicros()),
                    micros(m.uncached().jvmMicros()),
                    micros(m.cached().dbMicros()),
                    micros(m.uncached().dbMicros()),
                    micros(m.pgbench().flatMap(CacheComparison.Window::dbMicros))));
        }
        if (rounds > 1) {
            out.append("\nRounds (on / off req/s / pgbench tps):");
            for (CacheComparison.Result r : endpoints) {
                out.append(' ').append(r.target().name()).append(':');
                for (CacheComparison.Round x : r.rounds()) {
                    out.append(String.format(
                            " %,.0f / %,.0f / %s;",
                            x.cached().perSecond(),
                            x.uncached().perSecond(),
                            x.pgbench()
                                    .map(p -> String.format("%,.0f", p.perSecond()))
                                    .orElse("-")));
                }
            }
            out.append('\n');
        }

        out.append(String.format(
                "%nUnder writes: %d s of wrk on each cached server (%d connections each; the catalog's first page and its"
                        + " %d courses' details in turn) while an admin changes the titles of %d of them on"
                        + " the writer, %.1f a second (%d changes, each on a thread of its own, on schedule;"
                        + " PATCH p50 %.1f ms)%n%n",
                mixedSeconds,
                Math.max(1, concurrency / 2),
                mixed.read() - 1,
                mixed.courses(),
                mixed.writesPerSecond(),
                mixed.writes(),
                mixed.patchP50Ms()));
        out.append(
                "| server | reads req/s, p50 / p99 ms | region: hits / misses / bypasses, L2 hits, loads, hit rate |\n");
        out.append("|---|---|---|\n");
        for (CacheUnderWrites.Server s : mixed.servers()) {
            StringBuilder regions = new StringBuilder();
            for (CacheUnderWrites.RegionCounts c : s.regions()) {
                if (!regions.isEmpty()) {
                    regions.append("; ");
                }
                regions.append(String.format(
                        "%s: %,d / %,d / %,d, %,d, %,d, **%s**",
                        c.name(),
                        c.hits(),
                        c.misses(),
                        c.bypasses(),
                        c.l2Hits(),
                        c.loads(),
                        c.hitRate() == null ? "-" : String.format("%.2f %%", 100 * c.hitRate())));
            }
            out.append(String.format(
                    "| %s | %,.0f, %.2f / %.2f | %s |%n", s.name(), s.perSecond(), s.p50Ms(), s.p99Ms(), regions));
        }
        out.append(String.format(
                "%nInvalidation delay, from the PATCH's 200 on the writer to the other server's first answer"
                        + " with the new title (GETs back to back, %.1f per change): p50 **%.1f ms**, p99"
                        + " **%.1f ms**, max **%.1f ms** over %d changes; %d of them within 100 ms; %d not seen"
                        + " within 10 s%n",
                mixed.pollsPerWrite(),
                mixed.percentile(0.50),
                mixed.percentile(0.99),
                mixed.max(),
                mixed.delaysMs().size(),
                mixed.within(100),
                mixed.lost()));
        out.append(String.format("%nThe run took %.0f s.%n", elapsedSeconds));
        return out.toString();
    }

    private static String rates(List<double[]> windows) {
        return String.join(
                ", ",
                windows.stream()
                        .map(w -> String.format("%,.0f (JIT %,.0f ms)", w[0], w[1]))
                        .toList());
    }

    private static String load(CacheComparison.Window w) {
        return String.format("%,.0f, %.2f / %.2f", w.perSecond(), w.p50Ms(), w.p99Ms());
    }

    private static String micros(Optional<Double> micros) {
        return micros.map(m -> String.format("%.0f", m)).orElse("-");
    }

    private CacheReport() {}
}
