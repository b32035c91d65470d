package dev.classbase.ops.kernel;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PgHero's {@code select_all}: every row of one statement, values bound, never joined in. A row
 * becomes a record by name: the column label {@code mean_ms} fills the component {@code meanMs}
 * (snake_case to camelCase), so the SQL says the shape and the record says the type.
 */
public final class Rows {
    private static final Map<Class<?>, RecordMapper<?>> MAPPERS = new ConcurrentHashMap<>();

    private Rows() {}

    /** Every row as column → value, in column order; arrays as Java arrays. */
    public static List<Map<String, Object>> rows(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), plain(rs.getObject(i)));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** Every row as a {@code type} record, filled by column label. */
    public static <R extends Record> List<R> rows(Connection c, Class<R> type, String sql, Object... params)
            throws SQLException {
        RecordMapper<R> mapper = mapper(type);
        try (PreparedStatement ps = prepare(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            int[] columns = mapper.columns(rs.getMetaData());
            List<R> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(mapper.map(rs, columns));
            }
            return rows;
        }
    }

    /** How one row becomes a value when its columns are read by position. */
    @FunctionalInterface
    public interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Every row through {@code mapper}. */
    public static <T> List<T> list(Connection c, String sql, Mapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
            return rows;
        }
    }

    /** The first row as a record, if there is one. */
    public static <R extends Record> Optional<R> first(Connection c, Class<R> type, String sql, Object... params)
            throws SQLException {
        return rows(c, type, sql, params).stream().findFirst();
    }

    /** The first column of the first row (null when there is no row or the value is NULL). */
    public static <T> T value(Connection c, Class<T> type, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? convert(rs.getObject(1), type) : null;
        }
    }

    /** The first column of the first row as a boolean (false when absent or NULL). */
    public static boolean bool(Connection c, String sql, Object... params) throws SQLException {
        return Boolean.TRUE.equals(value(c, Boolean.class, sql, params));
    }

    /** Runs a statement for its effect, values bound; the rows it returns, if any, are dropped. */
    public static void execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            ps.execute();
        }
    }

    /** {@code mean_ms} → {@code meanMs}. */
    static String camel(String label) {
        StringBuilder out = new StringBuilder(label.length());
        boolean upper = false;
        for (int i = 0; i < label.length(); i++) {
            char ch = label.charAt(i);
            if (ch == '_') {
                upper = out.length() > 0;
            } else {
                out.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return out.toString();
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private static Object plain(Object value) throws SQLException {
        return value instanceof java.sql.Array a ? a.getArray() : value;
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record> RecordMapper<R> mapper(Class<R> type) {
        return (RecordMapper<R>) MAPPERS.computeIfAbsent(type, t -> new RecordMapper<>((Class<R>) t));
    }

    /** What PgJDBC hands back for a column, in the component's type: numbers widened or narrowed, times as read. */
    @SuppressWarnings("unchecked")
    private static <T> T convert(Object value, Class<T> type) throws SQLException {
        value = plain(value);
        if (value == null) {
            return null;
        }
        Class<?> boxed = box(type);
        if (boxed.isInstance(value)) {
            return (T) value;
        }
        if (value instanceof Number n) {
            if (boxed == Long.class) {
                return (T) Long.valueOf(n.longValue());
            } else if (boxed == Integer.class) {
                return (T) Integer.valueOf(n.intValue());
            } else if (boxed == Double.class) {
                return (T) Double.valueOf(n.doubleValue());
            } else if (boxed == BigDecimal.class) {
                return (T) new BigDecimal(n.toString());
            }
        }
        if (value instanceof java.sql.Timestamp ts) {
            if (boxed == Instant.class) {
                return (T) ts.toInstant();
            } else if (boxed == OffsetDateTime.class) {
                return (T) ts.toInstant().atOffset(java.time.ZoneOffset.UTC);
            }
        }
        if (value instanceof java.sql.Date d && boxed == LocalDate.class) {
            return (T) d.toLocalDate();
        }
        if (boxed == String.class) {
            return (T) value.toString();
        }
        throw new SQLException("column value " + value.getClass().getName() + " does not fit " + type.getName());
    }

    private static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == long.class) {
            return Long.class;
        } else if (type == int.class) {
            return Integer.class;
        } else if (type == double.class) {
            return Double.class;
        } else if (type == boolean.class) {
            return Boolean.class;
        }
        throw new IllegalArgumentException("unsupported primitive " + type);
    }

    private static final class RecordMapper<R extends Record> {
        private final RecordComponent[] components;
        private final Constructor<R> constructor;

        RecordMapper(Class<R> type) {
            components = type.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
            }
            try {
                constructor = type.getDeclaredConstructor(types);
                constructor.setAccessible(true);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(type + " has no canonical constructor", e);
            }
        }

        /** For each component, the column that fills it (1-based); a component without a column is an error. */
        int[] columns(ResultSetMetaData md) throws SQLException {
            Map<String, Integer> byName = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                byName.putIfAbsent(camel(md.getColumnLabel(i)), i);
            }
            int[] columns = new int[components.length];
            for (int i = 0; i < components.length; i++) {
                Integer col = byName.get(components[i].getName());
                if (col == null) {
                    throw new SQLException(
                            "no column for " + constructor.getDeclaringClass().getSimpleName() + "."
                                    + components[i].getName() + " among " + byName.keySet());
                }
                columns[i] = col;
            }
            return columns;
        }

        R map(ResultSet rs, int[] columns) throws SQLException {
            Object[] args = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                Class<?> type = components[i].getType();
                // PgJDBC reads timestamptz and date into java.time when asked (JDBC 4.2)
                Object raw = type == OffsetDateTime.class || type == LocalDate.class
                        ? rs.getObject(columns[i], type)
                        : rs.getObject(columns[i]);
                Object value = convert(raw, type);
                if (value == null && type.isPrimitive()) {
                    value = type == boolean.class ? Boolean.FALSE : convert(0, type);
                }
                args[i] = value;
            }
            try {
                return constructor.newInstance(args);
            } catch (InstantiationException | IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }
}
