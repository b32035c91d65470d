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
 * What Gatling's report does not count: read-your-writes violations per write kind, and where the
 * server says each read went ({@code Classbase-Read-Source}: {@code replica1}, {@code primary
 * (token-not-replayed)}, ...). Written as one JSON object per load generator at the end of the run.
 */
final class RunCounters {
    private final Map<String, LongAdder> violations = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> readSources = new ConcurrentHashMap<>();
    private final LongAdder signIns = new LongAdder();

    void violation(String kind) {
        violations.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    void readSource(String header) {
        if (header == null || header.isBlank()) {
            return; // answered without a statement (a cache hit)
        }
        String target = header.startsWith("replica") ? "replica" : header.startsWith("primary") ? "primary" : "other";
        readSources.computeIfAbsent(target, k -> new LongAdder()).increment();
    }

    void signedIn() {
        signIns.increment();
    }

    void write(Path file) {
        StringBuilder json = new StringBuilder("{\"signIns\":").append(signIns.sum());
        json.append(",\"rywViolations\":").append(object(violations));
        json.append(",\"readSources\":").append(object(readSources)).append("}\n");
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
