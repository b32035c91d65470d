package dev.classbase.seed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Fingerprints of a dataset, to prove the generator deterministic and to compare two
 * databases: per table, the MD5 over the MD5s of its rows in primary-key order.
 *
 * <p>A row's text is {@code row(col1, col2, ...)::text} over all columns except
 * {@link #EXCLUDED} ({@code users.password_hash}: a bcrypt hash is salted, so two runs with
 * "the same" password differ). Rows are rendered in UTC with fixed float output, so the sums
 * do not depend on the server's TimeZone. Per-row hashes are streamed to the client, which
 * keeps the memory flat at any scale.
 */
public final class DatasetChecksum {
    /** table.column pairs left out of the checksums. */
    public static final Set<String> EXCLUDED = Set.of("users.password_hash");

    private static final String COLUMNS = """
            select a.attname
            from pg_attribute as a
            where a.attrelid = cast(? as regclass) and a.attnum > 0 and not a.attisdropped
            order by a.attnum
            """;

    private static final String PRIMARY_KEY = """
            select a.attname
            from pg_index as i
            cross join lateral unnest(i.indkey) with ordinality as k (attnum, ord)
            join pg_attribute as a on a.attrelid = i.indrelid and a.attnum = k.attnum
            where i.indrelid = cast(? as regclass) and i.indisprimary
            order by k.ord
            """;

    /** MD5 hex per table, keyed by table name, tables in alphabetical order. */
    public Map<String, String> checksums(DataSource dataSource) {
        Map<String, String> sums = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            try (Statement settings = connection.createStatement()) {
                settings.execute("set local timezone = 'UTC'");
                settings.execute("set local extra_float_digits = 1");
            }
            for (String table : DataGenerator.tables(connection)) {
                sums.put(table, checksum(connection, table));
            }
            connection.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException("checksum failed: " + e.getMessage(), e);
        }
        return sums;
    }

    /** Exact row count per table, keyed by table name. */
    public Map<String, Long> rowCounts(DataSource dataSource) {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            for (String table : DataGenerator.tables(connection)) {
                try (ResultSet rows = statement.executeQuery("select count(*) from " + DataGenerator.quote(table))) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("row count failed: " + e.getMessage(), e);
        }
        return counts;
    }

    private static String checksum(Connection connection, String table) throws SQLException {
        List<String> columns = names(connection, COLUMNS, table).stream()
                .filter(column -> !EXCLUDED.contains(table + "." + column))
                .map(DataGenerator::quote)
                .toList();
        List<String> key = names(connection, PRIMARY_KEY, table).stream()
                .map(DataGenerator::quote)
                .toList();
        String sql = "select md5(row(%s)::text) from %s order by %s"
                .formatted(
                        String.join(", ", columns),
                        DataGenerator.quote(table),
                        key.isEmpty() ? String.join(", ", columns) : String.join(", ", key));
        MessageDigest digest = md5();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setFetchSize(10_000);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    digest.update(rows.getString(1).getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static List<String> names(Connection connection, String sql, String table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, DataGenerator.quote(table));
            try (ResultSet rows = statement.executeQuery()) {
                List<String> names = new ArrayList<>();
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
                return names;
            }
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks MD5", e);
        }
    }
}
