package dev.classbase.data.consistency;

import dev.classbase.data.tenancy.TenantBinding;
import dev.classbase.data.watch.QueryScope;
import dev.classbase.data.watch.QueryWatch;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.JdbcTransactionObjectSupport;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * A JDBC transaction manager that learns, after each write transaction commits, a WAL position at
 * or after its commit record ({@code pg_current_wal_insert_lsn()}, asked on the same connection
 * right after COMMIT), and records it as the request's consistency token. A replica that has
 * replayed that position has the write: read-your-writes without a wall-clock window. At begin it
 * binds the thread's tenant, if any, as {@link TenantBinding} says.
 */
final class ConsistencyTransactionManager extends JdbcTransactionManager {
    private static final Logger log = LoggerFactory.getLogger(ConsistencyTransactionManager.class);
    /** The name of the commit-position probe in SQL comments. */
    static final String WAL_POSITION = "data:wal-position";

    ConsistencyTransactionManager(DataSource dataSource) {
        super(dataSource);
    }

    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {
        ReadContext.current().primaryFetched(false);
        super.doBegin(transaction, definition);
        Connection connection = ((JdbcTransactionObjectSupport) transaction)
                .getConnectionHolder()
                .getConnection();
        try {
            TenantBinding.bindTransaction(connection, definition.isReadOnly());
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // the connection is going back to the pool either way
            }
            doCleanupAfterCompletion(transaction);
            throw new org.springframework.transaction.CannotCreateTransactionException(
                    "could not bind the tenant to the transaction", e);
        }
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        super.doCommit(status);
        if (status.isReadOnly() || !ReadContext.current().primaryFetched()) {
            return; // nothing was written, or no statement ever reached the primary
        }
        Connection connection = ((JdbcTransactionObjectSupport) status.getTransaction())
                .getConnectionHolder()
                .getConnection();
        // a scope of its own names the probe in its SQL comment: it follows every write of every
        // route, so per-endpoint totals leave it out; it still counts in the request's statements
        try (QueryScope probe = QueryWatch.scope(WAL_POSITION);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            if (rs.next()) {
                Lsn.parse(rs.getString(1))
                        .ifPresent(lsn -> ReadContext.current().recordWrite(lsn));
            }
        } catch (SQLException e) {
            // the write is committed; without its position the caller's next read simply goes to the primary
            log.debug("could not read the commit position", e);
            ReadContext.current().pushForcedPrimary();
        }
    }
}
