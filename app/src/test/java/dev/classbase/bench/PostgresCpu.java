package dev.classbase.bench;

import dev.classbase.cluster.Endpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The CPU time one PostgreSQL server has used, read from /proc: its postmaster's own time, the
 * time of the children it has reaped (exited backends: pgbench's, whose connections end with the
 * run) and that of its live children (the pool's backends, the startup and WAL receiver processes).
 * Linux only, and only for a server on this machine whose data directory the connecting role may
 * see; {@link #of} is empty otherwise.
 */
final class PostgresCpu {
    private final long postmaster;
    private final double ticksPerSecond;

    private PostgresCpu(long postmaster, double ticksPerSecond) {
        this.postmaster = postmaster;
        this.ticksPerSecond = ticksPerSecond;
    }

    static Optional<PostgresCpu> of(Endpoint server) {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('data_directory')")) {
            rs.next();
            Path pidFile = Path.of(rs.getString(1), "postmaster.pid");
            long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8)
                    .getFirst()
                    .strip());
            PostgresCpu cpu = new PostgresCpu(pid, clockTicks());
            cpu.seconds(); // readable now, or empty
            return Optional.of(cpu);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** CPU seconds used so far by the server's processes, living and exited. */
    double seconds() throws IOException {
        long[] own = stat(Path.of("/proc", Long.toString(postmaster), "stat"));
        if (own == null) {
            throw new IOException("postmaster " + postmaster + " is gone");
        }
        long ticks = own[1] + own[2] + own[3] + own[4];
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) processes::iterator) {
                String name = p.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    long[] child = stat(p.resolve("stat"));
                    if (child != null && child[0] == postmaster) {
                        ticks += child[1] + child[2];
                    }
                }
            }
        }
        return ticks / ticksPerSecond;
    }

    /** ppid, utime, stime, cutime, cstime of one process, or null when it has just exited. */
    private static long[] stat(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
        // the command name in parentheses may hold spaces: fields are counted after its closing one
        String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17
        return new long[] {
            Long.parseLong(f[1]),
            Long.parseLong(f[11]),
            Long.parseLong(f[12]),
            Long.parseLong(f[13]),
            Long.parseLong(f[14])
        };
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            p.waitFor();
            return Double.parseDouble(out);
        } catch (Exception e) {
            return 100; // USER_HZ on every Linux architecture Debian ships
        }
    }
}
