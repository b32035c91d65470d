package dev.classbase.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wrk, a C load generator, so the HTTP side is driven as cheaply as pgbench drives the database: a
 * Java client in the server's own JVM would take CPU from the server on a two-core machine. Found as
 * {@code $WRK} or on the PATH (Debian: {@code apt-get install wrk}). A Lua script counts the
 * answers that did not come from the expected replica ({@code Classbase-Read-Source}) and the
 * non-200 ones.
 */
final class Wrk {
    static final String INSTALL_HINT =
            "wrk not found: install it with `sudo apt-get install wrk`, or set WRK=/path/to/wrk";
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern COUNTS =
            Pattern.compile("classbase: requests=([0-9]+) elsewhere=([0-9]+) failed=([0-9]+)");
    private static final Pattern PERCENTILE = Pattern.compile("\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)");

    private static final String SCRIPT = """
            -- per thread: count answers from elsewhere than the expected replica, and failures
            local counters = {}
            function setup(thread)
              table.insert(counters, thread)
            end
            function init(args)
              requests, elsewhere, failed = 0, 0, 0
            end
            function response(status, headers, body)
              requests = requests + 1
              if status ~= 200 then failed = failed + 1 end
              if headers["Classbase-Read-Source"] ~= "%s" then elsewhere = elsewhere + 1 end
            end
            function done(summary, latency, reqs)
              local r, e, f = 0, 0, 0
              for _, t in ipairs(counters) do
                r = r + t:get("requests"); e = e + t:get("elsewhere"); f = f + t:get("failed")
              end
              io.write(string.format("classbase: requests=%%d elsewhere=%%d failed=%%d\\n", r, e, f))
            end
            """;

    private static final Pattern STATUS_COUNTS = Pattern.compile("classbase: requests=([0-9]+) failed=([0-9]+)");

    /**
     * A Lua script's ending that counts the answers, and those whose status is not {@code expected},
     * and prints both for {@link #statusCounts}. Each wrk thread runs the script in a Lua state of
     * its own, so the counters at the top level are per thread; {@code done} sums them.
     */
    static String countingStatus(int expected) {
        return """
                local counters = {}
                requests, failed = 0, 0
                function setup(thread)
                  table.insert(counters, thread)
                end
                function response(status, headers, body)
                  requests = requests + 1
                  if status ~= %d then failed = failed + 1 end
                end
                function done(summary, latency, reqs)
                  local r, f = 0, 0
                  for _, t in ipairs(counters) do
                    r = r + t:get("requests"); f = f + t:get("failed")
                  end
                  io.write(string.format("classbase: requests=%%d failed=%%d\\n", r, f))
                end
                """.formatted(expected);
    }

    /** What {@link #countingStatus}'s script printed: {requests, failed}; fails if it printed nothing. */
    static long[] statusCounts(Output out) {
        Matcher counts = STATUS_COUNTS.matcher(out.text());
        if (!counts.find()) {
            throw new IllegalStateException("wrk printed no counts:\n" + out.text());
        }
        return new long[] {Long.parseLong(counts.group(1)), Long.parseLong(counts.group(2))};
    }

    private final Path binary;

    private Wrk(Path binary) {
        this.binary = binary;
    }

    static Optional<Wrk> find() {
        String configured = System.getenv("WRK");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(new Wrk(Path.of(configured)));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "wrk");
            if (Files.isExecutable(candidate)) {
                return Optional.of(new Wrk(candidate));
            }
        }
        return Optional.empty();
    }

    Path binary() {
        return binary;
    }

    record Run(double perSecond, double p50Ms, double p99Ms, double onReplica) {}

    /** What one wrk run printed: requests per second, latency percentiles, and all of its output. */
    record Output(double requestsPerSecond, double p50Ms, double p99Ms, String text) {}

    static Wrk at(Path binary) {
        return new Wrk(binary);
    }

    /** {@code connections} keep-alive connections for {@code seconds}, as many threads as cores (at most). */
    Run run(URI uri, String token, String replica, int connections, int seconds)
            throws IOException, InterruptedException {
        Path script = Files.createTempFile("classbase-wrk-", ".lua");
        try {
            Files.writeString(script, SCRIPT.formatted(replica), StandardCharsets.UTF_8);
            int threads = Math.max(1, Math.min(connections, Runtime.getRuntime().availableProcessors()));
            Output out = run(script, uri, token, threads, connections, seconds);
            Matcher counts = COUNTS.matcher(out.text());
            if (!counts.find()) {
                throw new IllegalStateException("wrk printed no counts:\n" + out.text());
            }
            long requests = Long.parseLong(counts.group(1));
            long elsewhere = Long.parseLong(counts.group(2));
            long failed = Long.parseLong(counts.group(3));
            if (failed > 0) {
                throw new IllegalStateException(failed + " of " + requests + " requests failed:\n" + out.text());
            }
            return new Run(
                    out.requestsPerSecond(),
                    out.p50Ms(),
                    out.p99Ms(),
                    requests == 0 ? 0 : 1 - (double) elsewhere / requests);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** Runs wrk with a Lua script of the caller's; fails on a non-zero exit or no throughput line. */
    Output run(Path script, URI uri, String token, int threads, int connections, int seconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("classbase-wrk-", ".log");
        try {
            List<String> command = new ArrayList<>(List.of(
                    binary.toString(),
                    "-t",
                    Integer.toString(threads),
                    "-c",
                    Integer.toString(connections),
                    "-d",
                    seconds + "s",
                    "--timeout",
                    "30s",
                    "--latency",
                    "-s",
                    script.toString(),
                    "-H",
                    "Authorization: Bearer " + token,
                    uri.toString()));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("wrk did not finish within " + (seconds + 60) + " s");
            }
            String output = Files.readString(log);
            Matcher rps = RPS.matcher(output);
            if (process.exitValue() != 0 || !rps.find()) {
                throw new IllegalStateException("wrk failed (exit " + process.exitValue() + "):\n" + output);
            }
            double p50 = Double.NaN;
            double p99 = Double.NaN;
            Matcher p = PERCENTILE.matcher(output);
            while (p.find()) {
                double ms = toMs(Double.parseDouble(p.group(2)), p.group(3));
                if (p.group(1).equals("50")) {
                    p50 = ms;
                } else {
                    p99 = ms;
                }
            }
            return new Output(Double.parseDouble(rps.group(1)), p50, p99, output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static double toMs(double value, String unit) {
        return switch (unit) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }
}
