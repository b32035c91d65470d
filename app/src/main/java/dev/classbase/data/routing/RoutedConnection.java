package dev.classbase.data.routing;

import dev.classbase.data.tenancy.TenantBinding;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A connection handed out by the {@link ReplicaRouter}: it gives its place in the replica's gate
 * back when closed, and it can send the transaction's tenant binding with the first statement
 * ({@link TenantBinding}).
 */
final class RoutedConnection implements InvocationHandler {
    private final Connection target;
    private final ReplicaGate gate; // null for the primary
    private boolean closed;
    private Long pending; // the tenant to bind before (or with) the next statement

    private RoutedConnection(Connection target, ReplicaGate gate) {
        this.target = target;
        this.gate = gate;
    }

    /** {@code target} behind the proxy; {@code gate} (may be null) gets its place back at close. */
    static Connection wrap(Connection target, ReplicaGate gate) {
        return (Connection) Proxy.newProxyInstance(
                RoutedConnection.class.getClassLoader(),
                new Class<?>[] {Connection.class, TenantBinding.Deferrable.class},
                new RoutedConnection(target, gate));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "bindWithFirstStatement" -> {
                pending = (Long) args[0];
                return null;
            }
            case "prepareStatement" -> {
                if (pending != null) {
                    if (args.length == 1) {
                        return TenantBinding.firstStatement(target, (String) args[0], pending, () -> pending = null);
                    }
                    bindNow(); // generated keys, cursor options: the binding goes on its own
                }
            }
            case "createStatement", "prepareCall" -> bindNow();
            case "unwrap" -> {
                bindNow(); // whatever runs on the unwrapped connection runs bound
                if (args[0] == Connection.class) {
                    return target;
                }
            }
            case "commit", "close" -> pending = null; // nothing ran: nothing to bind
            case "rollback" -> {
                if (args == null) {
                    pending = null; // rollback(Savepoint) keeps the transaction, and the binding due
                }
            }
            default -> {}
        }
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getTargetException();
        } finally {
            if (gate != null && !closed && method.getName().equals("close")) {
                closed = true;
                gate.leave();
            }
        }
    }

    private void bindNow() throws SQLException {
        if (pending != null) {
            long tenant = pending;
            pending = null;
            TenantBinding.now(target, tenant);
        }
    }
}
