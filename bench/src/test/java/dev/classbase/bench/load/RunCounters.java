package dev.classbase.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Response times per request kind as histograms (1 ms buckets to 1 s, 10 ms to 60 s, then one),
 * so that the percentiles of a step driven by several Gatling JVMs come from the sum of their
 * histograms (Gatling's own report reads one simulation.log). And what Gatling's report does not count: read-your-writes violations per write kind, and where the
 * server says each read went ({@code Classbase-Read-Source}: {@code replica1}, {@code primary
 * (token-not-replayed)}, ...). Written as one JSON object per load generator at the end of the run.
 */
final class RunCounters {
    private final Map<String, LongAdder> violations = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> readSources = new ConcurrentHashMap<>();
    private final LongAdder signIns = new LongAdder();
    private final Map<String, java.util.concurrent.atomic.AtomicLongArray> times = new ConcurrentHashMap<>();
    private static final int BUCKETS = 1_000 + 5_900 + 1;
    private static final int WINDOW_SECONDS = 10;
    private final Map<Long, java.util.concurrent.atomic.AtomicLongArray> windows = new ConcurrentHashMap<>();

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    /**
     * Per second of the run: answers and failures per request kind, and reads per target, for the
     * fault runs (bench/chaos.sh), which ask when writes and replica reads came back.
     */
    private final Map<String, LongAdder> timeline = new ConcurrentHashMap<>();

    /** A request of {@code kind}: its response time (null: no answer) and its error (null: none). */
    void request(String kind, Integer millis, String error) {
        requests.computeIfAbsent(kind, k -> new LongAdder()).increment();
        tick(kind, error == null ? "ok" : "failed");
        if (error != null) {
            errors.computeIfAbsent(kind + "|" + error, k -> new LongAdder()).increment();
        }
        if (millis != null) {
            responseTime(kind, millis);
        }
    }

    private void responseTime(String kind, int millis) {
        int bucket =
                millis < 1_000 ? Math.max(0, millis) : millis < 60_000 ? 1_000 + (millis - 1_000) / 10 : BUCKETS - 1;
        times.computeIfAbsent(kind, k -> new java.util.concurrent.atomic.AtomicLongArray(BUCKETS))
                .incrementAndGet(bucket);
        if (!kind.equals("sign in")) {
            windows.computeIfAbsent(
                            System.currentTimeMillis() / 1_000 / WINDOW_SECONDS * WINDOW_SECONDS,
                            k -> new java.util.concurrent.atomic.AtomicLongArray(BUCKETS))
                    .incrementAndGet(bucket);
        }
    }

    /**
     * Response times of every request but sign-in per {@value #WINDOW_SECONDS}-second window, for
     * latency over time (the soak): {@code window-start-epoch-second ms count} lines.
     */
    void writeLatencyWindows(Path file) {
        StringBuilder tsv = new StringBuilder();
        new TreeMap<>(windows).forEach((start, histogram) -> {
            for (int b = 0; b < BUCKETS; b++) {
                long n = histogram.get(b);
                if (n > 0) {
                    tsv.append(start)
                            .append('\t')
                            .append(lowerBound(b))
                            .append('\t')
                            .append(n)
                            .append('\n');
                }
            }
        });
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, tsv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lower bound in milliseconds of a bucket. */
    private static int lowerBound(int bucket) {
        return bucket < 1_000 ? bucket : 1_000 + (bucket - 1_000) * 10;
    }

    void violation(String kind) {
        violations.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    void readSource(String header) {
        if (header == null || header.isBlank()) {
            return; // answered without a statement (a cache hit)
        }
        String target = header.startsWith("replica") ? "replica" : header.startsWith("primary") ? "primary" : "other";
        readSources.computeIfAbsent(target, k -> new LongAdder()).increment();
        tick("read source", target);
    }

    private void tick(String kind, String outcome) {
        long second = System.currentTimeMillis() / 1_000;
        timeline.computeIfAbsent(second + "\t" + kind + "\t" + outcome, k -> new LongAdder())
                .increment();
    }

    /** {@code epoch-second kind outcome count} lines, tab-separated, in time order. */
    void writeTimeline(Path file) {
        StringBuilder tsv = new StringBuilder();
        new TreeMap<>(timeline)
                .forEach((k, v) -> tsv.append(k).append('\t').append(v.sum()).append('\n'));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, tsv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void signedIn() {
        signIns.increment();
    }

    void write(Path file) {
        StringBuilder json = new StringBuilder("{\"signIns\":").append(signIns.sum());
        json.append(",\"rywViolations\":").append(object(violations));
        json.append(",\"readSources\":").append(object(readSources));
        json.append(",\"requests\":").append(object(requests));
        json.append(",\"errors\":").append(object(errors));
        // per kind: [milliseconds, count] for each non-empty bucket
        json.append(",\"responseTimes\":{");
        boolean firstKind = true;
        for (var e : new TreeMap<>(times).entrySet()) {
            json.append(firstKind ? "" : ",").append('"').append(e.getKey()).append("\":[");
            firstKind = false;
            boolean first = true;
            for (int b = 0; b < BUCKETS; b++) {
                long n = e.getValue().get(b);
                if (n > 0) {
                    json.append(first ? "" : ",")
                            .append('[')
                            .append(lowerBound(b))
                            .append(',')
                            .append(n)
                            .append(']');
                    first = false;
                }
            }
            json.append(']');
        }
        json.append("}}\n");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String object(Map<String, LongAdder> counts) {
        StringBuilder json = new StringBuilder("{");
        new TreeMap<>(counts).forEach((k, v) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(k).append("\":").append(v.sum());
        });
        return json.append('}').toString();
    }
}
