package dev.classbase.ops.maintenance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a pg_dump that can dump the server: pg_dump refuses a server of a newer major version
 * ("aborting because of server version mismatch"), so its major must be at least the server's.
 * Looks at the configured path ({@code classbase.maintenance.pg-dump}), then PATH, then
 * {@code /usr/lib/postgresql/<major>/bin} (Debian's layout), and takes the newest that fits.
 * pg_restore is the one beside it.
 */
record PgDumpBinary(Path pgDump, int major) {
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)");

    Path pgRestore() {
        return pgDump.resolveSibling("pg_restore");
    }

    /** The newest fitting pg_dump, or empty with {@code seen} filled with what was found and why not. */
    static Optional<PgDumpBinary> find(String configured, int serverMajor, List<String> seen) {
        List<Path> places = new ArrayList<>();
        if (configured != null) {
            places.add(Path.of(configured));
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isBlank()) {
                    places.add(Path.of(dir, "pg_dump"));
                }
            }
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (DirectoryStream<Path> majors = Files.newDirectoryStream(debian)) {
                for (Path dir : majors) {
                    places.add(dir.resolve("bin").resolve("pg_dump"));
                }
            } catch (IOException e) {
                seen.add(debian + ": " + e.getMessage());
            }
        }
        List<PgDumpBinary> fitting = new ArrayList<>();
        java.util.Set<Path> tried = new java.util.HashSet<>();
        for (Path place : places) {
            if (Files.isExecutable(place) && !tried.add(real(place))) {
                continue; // /bin and /usr/bin are often one folder
            }
            if (!Files.isExecutable(place)) {
                if (configured != null && place.equals(Path.of(configured))) {
                    seen.add(place + " (classbase.maintenance.pg-dump) is not an executable file");
                }
                continue;
            }
            Optional<Integer> major = major(place);
            if (major.isEmpty()) {
                seen.add(place + ": cannot tell its version");
            } else if (major.get() < serverMajor) {
                seen.add(place + " is pg_dump " + major.get() + ", older than the server (" + serverMajor + ")");
            } else if (!Files.isExecutable(place.resolveSibling("pg_restore"))) {
                seen.add(place + " has no pg_restore beside it");
            } else {
                fitting.add(new PgDumpBinary(place, major.get()));
            }
        }
        return fitting.stream().max(Comparator.comparingInt(PgDumpBinary::major));
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    static Optional<Integer> major(Path pgDump) {
        try {
            Process p = new ProcessBuilder(pgDump.toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            Matcher m = VERSION.matcher(out);
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
