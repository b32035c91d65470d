package dev.classbase.cluster;

/** How to reach one server of the cluster as one role. {@link #toString()} never shows the password. */
public record Endpoint(String name, String host, int port, String database, String user, String password) {

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public Endpoint as(String user, String password) {
        return new Endpoint(name, host, port, database, user, password);
    }

    public Endpoint database(String database) {
        return new Endpoint(name, host, port, database, user, password);
    }

    @Override
    public String toString() {
        return name + " " + user + "@" + host + ":" + port + "/" + database;
    }
}
