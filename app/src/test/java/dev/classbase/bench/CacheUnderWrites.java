package dev.classbase.bench;

import dev.classbase.testsupport.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Two servers sharing Redis under a read load (wrk on each: a catalog page and the details of
 * its courses, in turn) while an admin changes course titles on the first at a fixed rate. After
 * each change's 200, another user polls the second server for the course, back to back, until it
 * answers the new title: the time from the 200 to that answer is the invalidation delay (the bus
 * message, the second server's reload, one GET). The cache's own counts
 * ({@code GET /api/v1/admin/database/cache}) before and after give each region's hit rate under
 * the writes. Titles are put back at the end.
 */
final class CacheUnderWrites {
    /** A change not visible after this long counts as lost (tag generations are rechecked every 5 s). */
    private static final Duration GIVE_UP = Duration.ofSeconds(10);

    private static final String REVISION = " (rev ";

    /** One region's counts over the window, on one server (the console's fields). */
    record RegionCounts(String name, long hits, long misses, long bypasses, long l2Hits, long loads) {
        Double hitRate() {
            long total = hits + misses;
            return total == 0 ? null : (double) hits / total;
        }

        RegionCounts minus(RegionCounts before) {
            return before == null
                    ? this
                    : new RegionCounts(
                            name,
                            hits - before.hits,
                            misses - before.misses,
                            bypasses - before.bypasses,
                            l2Hits - before.l2Hits,
                            loads - before.loads);
        }
    }

    /** Readers' load on one server, and its cache counts over the window. */
    record Server(
            String name, double perSecond, double p50Ms, double p99Ms, long requests, List<RegionCounts> regions) {}

    record Result(
            List<Server> servers,
            int read,
            int courses,
            int writes,
            double writesPerSecond,
            List<Double> delaysMs,
            int lost,
            double pollsPerWrite,
            double patchP50Ms) {
        double percentile(double p) {
            return delaysMs.get(Math.max(0, (int) Math.ceil(p * delaysMs.size()) - 1));
        }

        double max() {
            return delaysMs.getLast();
        }

        long within(double ms) {
            return delaysMs.stream().filter(d -> d <= ms).count();
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /**
     * @param read the paths the readers ask in turn
     * @param courses the courses whose titles change, in turn (ids and titles as they are)
     */
    Result run(
            TestApp writer,
            TestApp other,
            List<String> read,
            Map<Long, String> courses,
            String readerToken,
            String adminToken,
            String pollerToken,
            String operatorToken,
            Wrk wrk,
            int concurrency,
            int seconds,
            double writesPerSecond)
            throws Exception {
        Path script = Files.createTempFile("classbase-wrk-", ".lua");
        ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Files.writeString(script, readerScript(read), StandardCharsets.UTF_8);
            String page = read.getFirst();
            Map<String, RegionCounts> writerBefore = counts(writer, operatorToken);
            Map<String, RegionCounts> otherBefore = counts(other, operatorToken);
            int each = Math.max(1, concurrency / 2);
            Future<Wrk.Output> onWriter =
                    tasks.submit(() -> wrk.run(script, URI.create(writer.url(page)), readerToken, 1, each, seconds));
            Future<Wrk.Output> onOther =
                    tasks.submit(() -> wrk.run(script, URI.create(other.url(page)), readerToken, 1, each, seconds));

            List<Long> ids = new ArrayList<>(courses.keySet());
            Map<Long, ReentrantLock> locks = new LinkedHashMap<>();
            ids.forEach(id -> locks.put(id, new ReentrantLock()));
            List<Future<Change>> changes = new ArrayList<>();
            long interval = (long) (1e9 / writesPerSecond);
            long started = System.nanoTime();
            // the writes stop a second before the readers, so the last ones are polled under load
            long deadline = started + TimeUnit.SECONDS.toNanos(Math.max(1, seconds - 1));
            long next = started + TimeUnit.MILLISECONDS.toNanos(500);
            int n = 0;
            // each change on a thread of its own, started on schedule whatever the last one's latency
            while (next < deadline) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait)); // the write schedule, not a wait for a condition
                }
                long course = ids.get(n % ids.size());
                int revision = n + 1;
                changes.add(tasks.submit(() -> changeAndPoll(
                        writer,
                        other,
                        adminToken,
                        pollerToken,
                        course,
                        courses.get(course),
                        revision,
                        locks.get(course))));
                n++;
                next += interval;
            }
            List<Double> delays = new ArrayList<>();
            List<Double> patches = new ArrayList<>();
            int lost = 0;
            long polls = 0;
            for (Future<Change> f : changes) {
                Change c = f.get();
                patches.add(c.patchMs());
                polls += c.polls();
                if (c.delayMs() < 0) {
                    lost++;
                } else {
                    delays.add(c.delayMs());
                }
            }
            Wrk.Output writerLoad = onWriter.get();
            Wrk.Output otherLoad = onOther.get();
            List<Server> servers = List.of(
                    server("writer", writerLoad, writerBefore, counts(writer, operatorToken)),
                    server("other", otherLoad, otherBefore, counts(other, operatorToken)));
            for (Map.Entry<Long, String> c : courses.entrySet()) {
                change(writer, adminToken, c.getKey(), c.getValue());
            }
            delays.sort(null);
            patches.sort(null);
            if (delays.isEmpty()) {
                throw new IllegalStateException("no change became visible on the other server: " + lost + " lost");
            }
            return new Result(
                    servers,
                    read.size(),
                    ids.size(),
                    n,
                    writesPerSecond,
                    delays,
                    lost,
                    (double) polls / Math.max(1, n),
                    patches.get(patches.size() / 2));
        } finally {
            tasks.shutdownNow();
            Files.deleteIfExists(script);
        }
    }

    /** A wrk script asking the paths in turn (each wrk thread on its own) and counting non-200 answers. */
    static String readerScript(List<String> read) {
        String paths = read.stream().map(p -> "\"" + p + "\"").collect(Collectors.joining(", "));
        return """
                local paths = {%s}
                local next_path = 0
                function request()
                  next_path = next_path %% #paths + 1
                  return wrk.format("GET", paths[next_path])
                end
                """.formatted(paths) + Wrk.countingStatus(200);
    }

    private static Server server(
            String name, Wrk.Output load, Map<String, RegionCounts> before, Map<String, RegionCounts> after) {
        long[] counted = Wrk.statusCounts(load);
        if (counted[1] > 0) {
            throw new IllegalStateException(
                    counted[1] + " of " + counted[0] + " reads failed on the " + name + " server:\n" + load.text());
        }
        List<RegionCounts> regions = after.values().stream()
                .map(r -> r.minus(before.get(r.name())))
                .filter(r -> r.hits() + r.misses() + r.bypasses() > 0)
                .toList();
        return new Server(name, load.requestsPerSecond(), load.p50Ms(), load.p99Ms(), counted[0], regions);
    }

    private void change(TestApp app, String token, long course, String title) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(app.url("/api/v1/courses/" + course)))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .method(
                                "PATCH",
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"title\":" + quoted(title) + "}", StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "PATCH course " + course + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** One title change: the PATCH's time, the delay until the other server showed it (-1: never), the GETs sent. */
    record Change(double patchMs, double delayMs, long polls) {}

    /**
     * Changes the title to revision {@code revision} on the writer (one PATCH of a course at a time,
     * so a course's revisions commit in order), then asks the other server back to back until it
     * answers this revision or a later one.
     */
    private Change changeAndPoll(
            TestApp writer,
            TestApp other,
            String adminToken,
            String pollerToken,
            long course,
            String original,
            int revision,
            ReentrantLock lock)
            throws Exception {
        long sent;
        long answered;
        lock.lock();
        try {
            sent = System.nanoTime();
            change(writer, adminToken, course, original + REVISION + revision + ")");
            answered = System.nanoTime();
        } finally {
            lock.unlock();
        }
        HttpRequest get = HttpRequest.newBuilder(URI.create(other.url("/api/v1/courses/" + course)))
                .header("Authorization", "Bearer " + pollerToken)
                .build();
        long giveUpAt = answered + GIVE_UP.toNanos();
        long polls = 0;
        while (System.nanoTime() < giveUpAt) {
            HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
            long at = System.nanoTime();
            polls++;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "GET course " + course + " answered " + response.statusCode() + ": " + response.body());
            }
            if (revision(TestApp.json(response).path("title").asString(), original) >= revision) {
                return new Change((answered - sent) / 1e6, (at - answered) / 1e6, polls);
            }
        }
        return new Change((answered - sent) / 1e6, -1, polls);
    }

    /** The revision a title carries ({@code <original> (rev N)}), 0 for the original. */
    private static int revision(String title, String original) {
        if (!title.startsWith(original + REVISION) || !title.endsWith(")")) {
            return 0;
        }
        return Integer.parseInt(title.substring(original.length() + REVISION.length(), title.length() - 1));
    }

    /** This server's cached-answer regions as its console reports them, by name. */
    private Map<String, RegionCounts> counts(TestApp app, String operatorToken) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(app.url("/api/v1/admin/database/cache")))
                        .header("Authorization", "Bearer " + operatorToken)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET /api/v1/admin/database/cache answered " + response.statusCode() + ": " + response.body());
        }
        Map<String, RegionCounts> regions = new LinkedHashMap<>();
        for (JsonNode r : TestApp.json(response).path("regions")) {
            regions.put(
                    r.path("name").asString(),
                    new RegionCounts(
                            r.path("name").asString(),
                            r.path("hits").asLong(),
                            r.path("misses").asLong(),
                            r.path("bypasses").asLong(),
                            r.path("l2Hits").asLong(),
                            r.path("loads").asLong()));
        }
        // the signed-in token cache: its hits are L1's and L2's, its misses each load one session
        TestApp.json(response).path("sessions").properties().forEach(e -> {
            JsonNode t = e.getValue();
            long l2 = t.path("l2Hits").asLong();
            long misses = t.path("misses").asLong();
            regions.put(
                    e.getKey(), new RegionCounts(e.getKey(), t.path("l1Hits").asLong() + l2, misses, 0, l2, misses));
        });
        return regions;
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
