package dev.classbase.platform.dashboard;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;

/**
 * Reads on the analytics pool (a replica when one is caught up), each in a read-only transaction
 * that binds the tenant with SET LOCAL (so row-level security and the tenant_* views see it) and
 * rolls back: that pool is outside the request's transaction manager.
 */
@Component
class AnalyticsReads {
    private static final String STATEMENT_TIMEOUT = "10s";

    private final DataSource analytics;

    AnalyticsReads(@Qualifier("analytics") DataSource analytics) {
        this.analytics = analytics;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Session session) throws SQLException;
    }

    @FunctionalInterface
    interface RowHandler {
        void accept(ResultSet row) throws SQLException;
    }

    /** One connection, bound to a tenant, for the statements of one response. */
    static final class Session {
        private final Connection connection;

        private Session(Connection connection) {
            this.connection = connection;
        }

        /** The rows, keyed by column name in camelCase; dates as LocalDate, timestamps as OffsetDateTime. */
        List<Map<String, Object>> rows(String sql, Object... params) throws SQLException {
            List<Map<String, Object>> rows = new ArrayList<>();
            each(
                    rs -> {
                        ResultSetMetaData md = rs.getMetaData();
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int c = 1; c <= md.getColumnCount(); c++) {
                            row.put(camel(md.getColumnLabel(c)), value(rs, c, md.getColumnType(c)));
                        }
                        rows.add(row);
                    },
                    sql,
                    params);
            return rows;
        }

        /** Hands each row to {@code row}, for answers read into their own types. */
        void each(RowHandler row, String sql, Object... params) throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        row.accept(rs);
                    }
                }
            }
        }
    }

    <T> T read(long tenantId, Work<T> work) {
        try (Connection c = analytics.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(DashboardQueries.begin())) {
                    ps.setString(1, Long.toString(tenantId));
                    ps.setString(2, STATEMENT_TIMEOUT);
                    ps.execute();
                }
                return work.run(new Session(c));
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("dashboard read failed: " + e.getMessage(), e);
        }
    }

    private static Object value(ResultSet rs, int column, int type) throws SQLException {
        return switch (type) {
            case Types.DATE -> rs.getObject(column, LocalDate.class);
            case Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP -> rs.getObject(column, OffsetDateTime.class);
            default -> rs.getObject(column);
        };
    }

    static String camel(String column) {
        StringBuilder out = new StringBuilder(column.length());
        boolean upper = false;
        for (char ch : column.toCharArray()) {
            if (ch == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return out.toString();
    }
}
