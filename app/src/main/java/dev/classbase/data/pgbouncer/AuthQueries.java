package dev.classbase.data.pgbouncer;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The role secrets PgBouncer's auth_file needs, read from the server. */
public final class AuthQueries {
    private AuthQueries() {}

    /**
     * The SCRAM-SHA-256 secrets of the roles, in the order asked. PgBouncer can log in to the server
     * on a client's behalf only with the exact secret the server stores (same salt and iterations),
     * so it is copied, never recomputed. Reading {@code pg_authid} needs a superuser connection.
     *
     * @throws IllegalStateException naming the roles that are missing or have no SCRAM secret (an md5
     *     hash or no password): those cannot log in through a scram-sha-256 PgBouncer
     */
    public static Map<String, String> scramSecrets(Connection superuser, Collection<String> roles) throws SQLException {
        Map<String, String> found = new HashMap<>();
        try (PreparedStatement ps = superuser.prepareStatement("""
                SELECT rolname, rolpassword
                  FROM pg_authid
                 WHERE rolname = ANY(?)
                   AND rolpassword LIKE 'SCRAM-SHA-256$%'
                """)) {
            Array names = superuser.createArrayOf("text", roles.toArray());
            ps.setArray(1, names);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String role : roles) {
            if (found.containsKey(role)) {
                ordered.put(role, found.get(role));
            }
        }
        List<String> missing =
                roles.stream().filter(r -> !found.containsKey(r)).distinct().toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("no SCRAM-SHA-256 secret in pg_authid for " + String.join(", ", missing)
                    + ": the role is missing, has no password, or still has an md5 hash; set its password again"
                    + " with password_encryption = 'scram-sha-256'");
        }
        return ordered;
    }
}
