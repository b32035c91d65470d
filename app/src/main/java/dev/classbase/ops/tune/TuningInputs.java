package dev.classbase.ops.tune;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The machine a PostgreSQL server runs on, as {@link Tuning} needs it. Validated on construction: a
 * nonsense value fails with an {@link IllegalArgumentException} that names the option (the CLI
 * maps it to exit 2).
 *
 * @param ramBytes memory of the database server (not the application's)
 * @param cores CPU cores of the database server
 * @param storage where the data directory lives
 * @param maxConnections the server's {@code max_connections}
 * @param workload what the server mostly runs
 */
public record TuningInputs(long ramBytes, int cores, Storage storage, int maxConnections, Workload workload) {

    /** Below this the 25 % rules leave PostgreSQL less than its own 128MB default of shared_buffers. */
    static final long MIN_RAM = 256L * Units.MB;

    /** PostgreSQL's hard upper limit for max_connections (manual, runtime-config-connection). */
    static final int MAX_CONNECTIONS = 262_143;

    /**
     * The reference machine of {@code infrastructure/postgresql/postgresql.conf}: a production
     * database server with 8GB of RAM, {@code max_connections = 200}, an SSD and 4 cores, serving the
     * web application (PGTune's "web" type; its output for these inputs is the same 2GB / 6GB / 512MB).
     */
    public static final TuningInputs REFERENCE = new TuningInputs(8 * Units.GB, 4, Storage.SSD, 200, Workload.WEB);

    public TuningInputs {
        if (ramBytes < MIN_RAM) {
            throw new IllegalArgumentException(
                    "--ram must be at least 256MB, got " + Units.formatBytes(Math.max(ramBytes, 0)));
        }
        if (cores < 1) {
            throw new IllegalArgumentException("--cores must be at least 1, got " + cores);
        }
        if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException(
                    "--max-connections must be in 1.." + MAX_CONNECTIONS + ", got " + maxConnections);
        }
        if (storage == null || workload == null) {
            throw new IllegalArgumentException("--storage and --workload are required");
        }
    }

    /** The options that reproduce these inputs, for the header of a generated file. */
    public String asOptions() {
        return "--ram " + Units.formatBytes(ramBytes) + " --cores " + cores + " --storage " + storage.option()
                + " --max-connections " + maxConnections + " --workload " + workload.option();
    }

    /** Where the data directory lives: it decides the planner's random-read cost and read-ahead. */
    public enum Storage {
        SSD,
        HDD;

        public String option() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Storage parse(String value) {
            return TuningInputs.parse(Storage.class, "--storage", value);
        }
    }

    /**
     * What the server mostly runs. {@code web}: many short OLTP queries from the pools; {@code
     * mixed}: those plus reporting queries (PGTune's "mixed type of application").
     */
    public enum Workload {
        WEB,
        MIXED;

        public String option() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Workload parse(String value) {
            return TuningInputs.parse(Workload.class, "--workload", value);
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
        String valid = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        if (value != null) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(value.trim())) {
                    return e;
                }
            }
        }
        throw new IllegalArgumentException(option + " must be one of " + valid + ", got '" + value + "'");
    }
}
