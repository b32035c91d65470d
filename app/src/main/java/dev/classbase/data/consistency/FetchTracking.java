package dev.classbase.data.consistency;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The primary as a transaction sees it: marks the request when a transaction actually takes a
 * connection from the primary, so only a transaction that reached it asks for its commit position.
 */
public final class FetchTracking extends DelegatingDataSource {
    public FetchTracking(DataSource primary) {
        super(primary);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = super.getConnection();
        ReadContext.current().primaryFetched(true);
        return connection;
    }
}
