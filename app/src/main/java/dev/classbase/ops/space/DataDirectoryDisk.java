package dev.classbase.ops.space;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Disk usage of a server's data directory. PostgreSQL has no SQL function for free space, so this
 * is the used share of the filesystem holding the data directory, measured from this host, and only
 * when the directory the server reports really is that server's, proved by its postmaster.pid (same
 * port and start time; PostgreSQL manual 19.3 describes the file). A remote server, or a
 * same-named directory of another server, is "not available". Tablespaces elsewhere and a WAL
 * directory on another filesystem are not counted. Used by the console's disk check and the
 * disk alert.
 */
public final class DataDirectoryDisk {
    /** The pid file's start time and pg_postmaster_start_time() are taken a moment apart. */
    private static final long START_TOLERANCE_SECONDS = 5;

    private DataDirectoryDisk() {}

    /** Either a measurement or why there is none. */
    public record Measurement(
            String path,
            String filesystem,
            long totalBytes,
            long availableBytes,
            Double usedPercent,
            String notAvailable) {
        public boolean available() {
            return notAvailable == null;
        }

        static Measurement unavailable(String path, String why) {
            return new Measurement(path, null, 0, 0, null, "not available: " + why);
        }
    }

    /**
     * {@code dataDirectory} null: the role may not read the setting. {@code port} and {@code
     * startedEpochSeconds}: the server's, from {@code current_setting('port')} and {@code
     * pg_postmaster_start_time()}.
     */
    public static Measurement measure(String dataDirectory, int port, long startedEpochSeconds) {
        if (dataDirectory == null) {
            return Measurement.unavailable(
                    null,
                    "this role may not read data_directory; enable: GRANT pg_monitor TO <service role> WITH INHERIT"
                            + " TRUE (V60)");
        }
        Path path = Path.of(dataDirectory);
        Path pidFile = path.resolve("postmaster.pid");
        if (!Files.isReadable(pidFile)) {
            return Measurement.unavailable(
                    dataDirectory,
                    "the data directory " + dataDirectory
                            + " is not on this host (measure disk usage where the server runs, e.g. node_exporter)");
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            // line 3: start time (epoch seconds), line 4: port
            if (lines.size() < 4
                    || Integer.parseInt(lines.get(3).trim()) != port
                    || Math.abs(Long.parseLong(lines.get(2).trim()) - startedEpochSeconds) > START_TOLERANCE_SECONDS) {
                return Measurement.unavailable(
                        dataDirectory,
                        dataDirectory + " on this host belongs to another server"
                                + " (its postmaster.pid names another port or start time)");
            }
            FileStore store = Files.getFileStore(path);
            long total = store.getTotalSpace();
            if (total <= 0) {
                return Measurement.unavailable(dataDirectory, "the filesystem reports no size");
            }
            long available = store.getUsableSpace();
            double used = Math.round(10_000.0 * (total - available) / total) / 100.0;
            return new Measurement(dataDirectory, store.name(), total, available, used, null);
        } catch (IOException | RuntimeException e) {
            return Measurement.unavailable(dataDirectory, e.getMessage());
        }
    }
}
