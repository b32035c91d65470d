package dev.classbase.ops.connections;

/** Client backends grouped by one property of pg_stat_activity (PgHero's connection sources). */
final class ConnectionCount {
    private ConnectionCount() {}

    record ByState(String state, int connections) {}

    record ByUser(String user, int connections) {}

    record ByApplication(String application, int connections) {}

    record ByClient(String client, int connections) {}
}
