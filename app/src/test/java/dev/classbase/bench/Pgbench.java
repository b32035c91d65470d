package dev.classbase.bench;

import dev.classbase.cluster.Endpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * pgbench, the database's own ceiling for a script: found as {@code $PGBENCH}, under
 * /usr/lib/postgresql/N/bin (newest first; Debian's /usr/bin one is a wrapper), or on the PATH.
 * The password goes in PGPASSWORD, never on the command line.
 */
final class Pgbench {
    static final String INSTALL_HINT =
            "pgbench not found: install it with `sudo apt-get install postgresql-15` (Debian/Ubuntu; any client"
                    + " version >= 15 works against the 17 server), or set PGBENCH=/path/to/pgbench";
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Pattern FAILED = Pattern.compile("number of failed transactions: ([0-9]+)");

    private final Path binary;

    private Pgbench(Path binary) {
        this.binary = binary;
    }

    static Optional<Pgbench> find() {
        String configured = System.getenv("PGBENCH");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(new Pgbench(Path.of(configured)));
        }
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                Optional<Path> found = versions.filter(
                                v -> v.getFileName().toString().matches("[0-9]+"))
                        .sorted(Comparator.comparingInt((Path v) ->
                                        Integer.parseInt(v.getFileName().toString()))
                                .reversed())
                        .map(v -> v.resolve("bin/pgbench"))
                        .filter(Files::isExecutable)
                        .findFirst();
                if (found.isPresent()) {
                    return Optional.of(new Pgbench(found.get()));
                }
            } catch (IOException e) {
                // fall through to the PATH
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "pgbench");
            if (Files.isExecutable(candidate)) {
                return Optional.of(new Pgbench(candidate));
            }
        }
        return Optional.empty();
    }

    Path binary() {
        return binary;
    }

    /**
     * Runs {@code script} with prepared statements (as pgjdbc does after five executions) at
     * {@code clients} connections for {@code seconds}, and returns the transactions per second.
     */
    double tps(Endpoint target, String script, Map<String, String> variables, int clients, int seconds)
            throws IOException, InterruptedException {
        Path file = Files.createTempFile("classbase-bench-", ".sql");
        Path log = Files.createTempFile("classbase-bench-", ".log");
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(
                    binary.toString(),
                    "-n", // no vacuum of pgbench's own tables: there are none
                    "-M",
                    "prepared",
                    "-c",
                    Integer.toString(clients),
                    "-j",
                    Integer.toString(Math.min(clients, Runtime.getRuntime().availableProcessors())),
                    "-T",
                    Integer.toString(seconds),
                    "-f",
                    file.toString(),
                    "-h",
                    target.host(),
                    "-p",
                    Integer.toString(target.port()),
                    "-U",
                    target.user()));
            variables.forEach((name, value) -> command.addAll(List.of("-D", name + "=" + value)));
            command.add(target.database());
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("PGPASSWORD", target.password());
            Process process = builder.start();
            if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("pgbench did not finish within " + (seconds + 60) + " s");
            }
            String output = Files.readString(log);
            Matcher tps = TPS.matcher(output);
            Matcher failed = FAILED.matcher(output);
            if (process.exitValue() != 0
                    || !tps.find()
                    || (failed.find() && !failed.group(1).equals("0"))) {
                throw new IllegalStateException("pgbench failed (exit " + process.exitValue() + "):\n" + output);
            }
            return Double.parseDouble(tps.group(1));
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(log);
        }
    }
}
