package dev.classbase.data;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the database is: the primary and any replicas. Filled by {@code serve} from the embedded
 * cluster or from {@code CLASSBASE_DATABASE_URL} and {@code CLASSBASE_REPLICA_URLS}.
 */
@ConfigurationProperties("classbase.database")
public record DatabaseProperties(Server primary, List<Server> replicas) {

    public DatabaseProperties {
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
        if (primary == null || primary.url() == null) {
            throw new IllegalStateException("classbase.database.primary.url is not set");
        }
    }

    /** The replicas, each with a name: its own, else {@code replica1}, {@code replica2}, ... by position. */
    public List<Server> namedReplicas() {
        List<Server> named = new ArrayList<>();
        int i = 1;
        for (Server s : replicas) {
            named.add(new Server(s.name() != null ? s.name() : "replica" + i, s.url(), s.username(), s.password()));
            i++;
        }
        return named;
    }

    /** One server; {@link #toString()} masks the password. */
    public record Server(String name, String url, String username, String password) {
        @Override
        public String toString() {
            return name + " " + JdbcUrls.mask(url) + " as " + username;
        }
    }
}
