package dev.classbase.ops.pools;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * PgBouncer's admin console for the pools page ({@code classbase.console.pgbouncer.*}): where it
 * listens and a user in its {@code admin_users} or {@code stats_users}. No host: not configured,
 * and the page says so.
 */
@ConfigurationProperties("classbase.console.pgbouncer")
record PoolsProperties(String host, @DefaultValue("6432") int port, String user, String password) {
    boolean configured() {
        return host != null && !host.isBlank() && user != null && !user.isBlank();
    }
}
