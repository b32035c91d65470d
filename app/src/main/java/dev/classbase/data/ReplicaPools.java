package dev.classbase.data;

import com.zaxxer.hikari.HikariDataSource;
import java.util.List;

/** The replicas' pools, in configuration order. */
public final class ReplicaPools implements AutoCloseable {

    public record Replica(String name, HikariDataSource dataSource) {}

    private final List<Replica> replicas;

    ReplicaPools(List<Replica> replicas) {
        this.replicas = List.copyOf(replicas);
    }

    public List<Replica> all() {
        return replicas;
    }

    @Override
    public void close() {
        replicas.forEach(r -> r.dataSource().close());
    }
}
