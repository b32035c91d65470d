package dev.classbase.seed;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Fills an empty classbase database with a synthetic learning platform, inside PostgreSQL:
 * one set-based {@code INSERT ... SELECT} per table (the large ones in chunks), exactly the
 * row counts of {@link Scale#tableSizes()}.
 *
 * <p>The result depends only on {@code (scale, seed, asOf)}: numbers come from a hash of
 * (seed, stream, row) instead of {@code random()}, ids are assigned from the series, and every
 * timestamp is relative to asOf at UTC midnight. Activity covers the 182 days before asOf.
 *
 * <p>Tenants 1 to 3 are Northwood Unified ({@code northwood}), Riverside Academy
 * ({@code riverside}) and Lakeside Schools ({@code lakeside}); larger scales add generated
 * names. In each tenant the sign-in emails are {@code admin@<slug>.demo} (larger tenants also
 * {@code admin2@...}), {@code teacher1@<slug>.demo} ... and {@code student1@<slug>.demo} ...;
 * every user gets the same {@code passwordHash} (which may be null: no password sign-in).
 *
 * <p>Everything runs in one transaction on one connection (the plan tables are temporary), so
 * a failed run leaves the database as it was; then every table is vacuumed and analyzed.
 */
public final class DataGenerator {

    private final DataSource dataSource;

    public DataGenerator(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** True when the database holds no tenant (so no data at all). */
    public boolean isEmpty() {
        Boolean empty = new JdbcTemplate(dataSource).queryForObject(DatabasePreparation.isEmpty(), Boolean.class);
        return Boolean.TRUE.equals(empty);
    }

    /** Empties every classbase table and restarts its identity, in one transaction. */
    public void reset() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                List<String> tables = tables(connection);
                statement.execute("truncate table "
                        + String.join(
                                ", ", tables.stream().map(DataGenerator::quote).toList())
                        + " restart identity cascade");
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reset failed: " + e.getMessage(), e);
        }
    }

    /**
     * Generates the dataset.
     *
     * @throws IllegalStateException if the database already holds data (call {@link #reset()}
     *     first), or if a table did not get its exact row count
     */
    public void generate(Scale scale, long seed, LocalDate asOf, String passwordHash, ProgressListener progress) {
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        OffsetDateTime asOfMidnight = asOf.atStartOfDay().atOffset(ZoneOffset.UTC);
        Map<String, Object> common = new HashMap<>();
        common.put("seed", seed);
        common.put("asOf", new SqlParameterValue(Types.TIMESTAMP_WITH_TIMEZONE, asOfMidnight));
        common.put("passwordHash", new SqlParameterValue(Types.VARCHAR, passwordHash));
        List<SeedStep> steps = SeedPlan.steps(scale, asOf);
        int total = steps.size() + 1;

        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                NamedParameterJdbcTemplate jdbc =
                        new NamedParameterJdbcTemplate(new SingleConnectionDataSource(connection, true));
                prepare(jdbc.getJdbcTemplate());
                for (int i = 0; i < steps.size(); i++) {
                    SeedStep step = steps.get(i);
                    listener.step(i, total, step.label());
                    run(jdbc, step, common);
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
            listener.step(steps.size(), total, "vacuum and analyze");
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                for (String table : tables(connection)) {
                    statement.execute("vacuum (analyze) " + quote(table));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("data generation failed: " + e.getMessage(), e);
        }
        listener.step(total, total, "done");
    }

    /**
     * Session settings for the run (UTC, so every date computed in SQL is the same whatever the
     * server's TimeZone; memory for the large sorts), and the guard against a non-empty database:
     * the lock keeps two generators (or the application) from seeding at the same time.
     */
    private static void prepare(JdbcTemplate jdbc) {
        jdbc.execute("set local timezone = 'UTC'");
        jdbc.execute("set local work_mem = '256MB'");
        jdbc.execute("lock table tenants in exclusive mode");
        if (!Boolean.TRUE.equals(jdbc.queryForObject(DatabasePreparation.isEmpty(), Boolean.class))) {
            throw new IllegalStateException("the database already holds data; reset it before generating");
        }
    }

    private static void run(NamedParameterJdbcTemplate jdbc, SeedStep step, Map<String, Object> common) {
        Map<String, Object> params = new HashMap<>(common);
        params.putAll(step.params());
        for (String sql : step.statements()) {
            if (step.expectedRows() < 0) {
                jdbc.execute(sql, params, statement -> statement.execute());
                continue;
            }
            int rows = jdbc.update(sql, params);
            if (rows != step.expectedRows()) {
                throw new IllegalStateException(
                        "%s: generated %d rows, expected %d".formatted(step.label(), rows, step.expectedRows()));
            }
        }
    }

    static List<String> tables(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                var rows = statement.executeQuery(DatabasePreparation.tables())) {
            while (rows.next()) {
                tables.add(rows.getString(1));
            }
        }
        return tables;
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
