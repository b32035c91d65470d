package dev.classbase.data.tenancy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.OptionalLong;
import org.springframework.jdbc.datasource.ConnectionProxy;

/**
 * The tenant binding of a transaction, {@code set_config('app.tenant_id', tenant, true)}: local to
 * the transaction, so a pooled connection (ours or PgBouncer's) never carries one tenant into
 * another's transaction. The row-level security policies read it.
 *
 * <p>A read transaction sends it with its first statement, in the same round trip: the first
 * {@code prepareStatement(sql)} of the transaction becomes {@code SELECT set_config(...); sql},
 * which pgjdbc sends as two statements before one Sync, and the statement hides the binding's
 * result from its caller ({@link #firstStatement}). A catalog page is then BEGIN + binding +
 * query, then COMMIT: two round trips instead of three. Anything else that could run SQL first
 * (a plain or callable statement, a statement with generated keys, unwrapping the connection)
 * sends the binding on its own before it, as a write transaction always does. The query watch still
 * counts the binding as a statement of its own (it counts each statement of a text), so
 * statement counts and N+1 findings are what they were.
 */
public final class TenantBinding {
    public static final String SQL = "SELECT set_config('app.tenant_id', ?, true)";
    /** pgjdbc splits a text at top-level semicolons and runs the parts in order, in one round trip. */
    private static final String PREFIX = SQL + ";\n";

    private TenantBinding() {}

    /**
     * Binds the tenant of this thread's {@link TenantScope}, if any, to the transaction just begun
     * on {@code connection}. A read transaction takes its connection now (as the binding always made
     * it do) and sends the binding with its first statement when that connection can; a write sends
     * it now.
     */
    public static void bindTransaction(Connection connection, boolean readOnly) throws SQLException {
        OptionalLong tenant = TenantScope.bound();
        if (tenant.isEmpty()) {
            return;
        }
        Connection target =
                readOnly && connection instanceof ConnectionProxy lazy ? lazy.getTargetConnection() : connection;
        if (target instanceof Deferrable deferrable) {
            deferrable.bindWithFirstStatement(tenant.getAsLong());
        } else {
            now(connection, tenant.getAsLong());
        }
    }

    /** A connection that can send the binding with its first statement. */
    public interface Deferrable {
        /** Binds {@code tenant} for the transaction just begun, at its first statement at the latest. */
        void bindWithFirstStatement(long tenant) throws SQLException;
    }

    /** Sends the binding now, in a round trip of its own. */
    public static void now(Connection connection, long tenant) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SQL)) {
            ps.setString(1, Long.toString(tenant));
            ps.execute();
        }
    }

    /**
     * {@code sql} prepared behind the binding. Its parameters keep their numbers (the binding's is
     * number 1 underneath); executing it runs the binding, skips its result and answers with the
     * statement's own, then calls {@code bound}. Not for batches: a binding returns a row, which a
     * batch may not (and a read transaction has nothing to batch).
     */
    public static PreparedStatement firstStatement(Connection connection, String sql, long tenant, Runnable bound)
            throws SQLException {
        PreparedStatement ps = connection.prepareStatement(PREFIX + sql);
        String value = Long.toString(tenant);
        ps.setString(1, value);
        return (PreparedStatement) Proxy.newProxyInstance(
                TenantBinding.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                new FirstStatement(ps, value, bound));
    }

    private record FirstStatement(PreparedStatement ps, String tenant, Runnable bound) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == PreparedStatement.class) {
                String name = method.getName();
                if (name.startsWith("set")) { // every setter PreparedStatement declares is a parameter's
                    args[0] = (Integer) args[0] + 1;
                } else {
                    switch (name) {
                        case "executeQuery" -> {
                            if (!runPastBinding()) {
                                throw new SQLException("No results were returned by the query.", "02000");
                            }
                            return ps.getResultSet();
                        }
                        case "execute" -> {
                            return runPastBinding();
                        }
                        case "executeUpdate", "executeLargeUpdate" -> {
                            if (runPastBinding()) {
                                throw new SQLException("A result was returned when none was expected.", "0100E");
                            }
                            if (name.equals("executeUpdate")) {
                                return ps.getUpdateCount();
                            }
                            return ps.getLargeUpdateCount();
                        }
                        case "clearParameters" -> {
                            ps.clearParameters();
                            ps.setString(1, tenant);
                            return null;
                        }
                        case "addBatch" ->
                            throw new SQLFeatureNotSupportedException(
                                    "a batch cannot be the first statement of a read transaction with a tenant bound");
                        case "getParameterMetaData" -> {
                            return shifted(ps.getParameterMetaData());
                        }
                        default -> {}
                    }
                }
            }
            try {
                return method.invoke(ps, args);
            } catch (InvocationTargetException e) {
                throw e.getTargetException();
            }
        }

        /** Runs binding and statement; true when the statement's result is a result set. */
        private boolean runPastBinding() throws SQLException {
            ps.execute(); // the binding's row comes first
            bound.run();
            return ps.getMoreResults(); // closes it and moves to the statement's result
        }
    }

    /** The statement's parameters as its caller numbers them: the binding's is hidden. */
    private static ParameterMetaData shifted(ParameterMetaData metaData) {
        return (ParameterMetaData) Proxy.newProxyInstance(
                TenantBinding.class.getClassLoader(), new Class<?>[] {ParameterMetaData.class}, (proxy, m, a) -> {
                    try {
                        if (m.getName().equals("getParameterCount")) {
                            return metaData.getParameterCount() - 1;
                        }
                        if (a != null && a.length == 1 && a[0] instanceof Integer index) {
                            a[0] = index + 1;
                        }
                        return m.invoke(metaData, a);
                    } catch (InvocationTargetException e) {
                        throw e.getTargetException();
                    }
                });
    }
}
