package dev.classbase.ops.tune;

import dev.classbase.ops.kernel.BoundedRead;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** The server's current settings, read from {@code pg_settings} in a bounded read-only transaction. */
public final class SettingsQueries {

    /**
     * One row of pg_settings.
     *
     * @param setting the value in the unit of {@code unit} (shared_buffers in 8kB pages)
     * @param context {@code postmaster} when a change needs a restart
     */
    public record Current(String name, String setting, String unit, String context) {
        /** The value in postgresql.conf form, comparable with a {@link Recommendation#value()}. */
        public String value() {
            if ("wal_compression".equals(name) && "pglz".equals(setting)) {
                return "on"; // PostgreSQL 15 added lz4 and zstd and shows "on" by its method's name
            }
            return Units.fromSetting(setting, unit);
        }

        public boolean needsRestart() {
            return "postmaster".equals(context);
        }
    }

    private SettingsQueries() {}

    /**
     * {@code reset_val}, not {@code setting}: the value from the configuration (file, ALTER SYSTEM,
     * role and database defaults), untouched by this read's own {@code SET LOCAL statement_timeout}.
     */
    static String settings() {
        return """
                select name, reset_val as setting, unit, context
                  from pg_settings
                 where name = any(?)
                """;
    }

    /** The named settings the server has; a name it does not know is simply absent. */
    public static Map<String, Current> current(DataSource ds, List<String> names) throws SQLException {
        Map<String, Current> found = new LinkedHashMap<>();
        BoundedRead.run(ds, Duration.ofSeconds(5), c -> {
            try (PreparedStatement ps = c.prepareStatement(settings())) {
                Array array = c.createArrayOf("text", names.toArray());
                ps.setArray(1, array);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Current row = new Current(
                                rs.getString("name"),
                                rs.getString("setting"),
                                rs.getString("unit"),
                                rs.getString("context"));
                        found.put(row.name(), row);
                    }
                }
            }
            return null;
        });
        return found;
    }
}
