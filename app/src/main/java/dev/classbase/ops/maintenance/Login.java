package dev.classbase.ops.maintenance;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * How the backup connects: a JDBC URL and credentials, because pg_dump and the scratch server's
 * restore check need them, not a pool. The CLI passes the owner (or, for the embedded cluster, the
 * superuser); the server passes its own pool's.
 */
public record Login(String jdbcUrl, String user, String password) {
    Connection connect() throws SQLException {
        return connect(jdbcUrl);
    }

    Connection connect(String url) throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "5");
        props.setProperty("ApplicationName", "classbase-maintenance");
        return DriverManager.getConnection(url, props);
    }

    /** host, port and database of the URL, as libpq's PGHOST/PGPORT/PGDATABASE want them. */
    Properties parsed() {
        Properties p = org.postgresql.Driver.parseURL(jdbcUrl, null);
        if (p == null) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL");
        }
        return p;
    }

    @Override
    public String toString() {
        return "Login[" + user + "]";
    }
}
