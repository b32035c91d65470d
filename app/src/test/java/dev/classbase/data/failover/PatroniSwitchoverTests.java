package dev.classbase.data.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.Migrations;
import dev.classbase.data.pool.Pools;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A planned switchover of a Patroni cluster (etcd, a primary and two replicas, synchronous_mode)
 * under a small write load through classbase's primary pool on the multi-host URL
 * ({@code targetServerType=primary}). Every write carries a key and is retried with the same key
 * until acknowledged; a retry first looks for its key, since a commit whose acknowledgement was
 * lost in the switchover may have landed. Afterwards every acknowledged key must be on the new
 * primary exactly once: synchronous replication means the promoted standby had every commit the
 * old primary acknowledged (https://www.postgresql.org/docs/15/warm-standby.html#SYNCHRONOUS-REPLICATION).
 */
class PatroniSwitchoverTests {
    private static final Path SCRIPT = Path.of("../infrastructure/patroni/local-cluster.sh");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Path dir;
    private static Map<String, String> env;
    private static TestApp app;

    @BeforeAll
    static void up() throws Exception {
        dir = Files.createTempDirectory("classbase-patroni-");
        Files.delete(dir); // the script makes it, readable by the postgres user
        run("up");
        env = readEnv(dir.resolve("cluster.env"));
        String url = env.get("CLASSBASE_DATABASE_URL");
        String replicas = env.get("CLASSBASE_REPLICA_URLS");
        Migrations.apply(dataSource(url));
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("classbase.database.primary.name", "primary");
        props.put("classbase.database.primary.url", stripCredentials(url));
        props.put("classbase.database.primary.username", "classbase");
        props.put("classbase.database.primary.password", env.get("PATRONI_CLASSBASE_PASSWORD"));
        props.put("classbase.database.replicas[0].name", "replica1");
        props.put("classbase.database.replicas[0].url", stripCredentials(replicas));
        props.put("classbase.database.replicas[0].username", "classbase");
        props.put("classbase.database.replicas[0].password", env.get("PATRONI_CLASSBASE_PASSWORD"));
        app = TestApp.start(props, Map.of());
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            if (dir != null) {
                run("down");
            }
        }
    }

    @Test
    void switchoverUnderLoadLosesAndDuplicatesNoAcknowledgedWrite() throws Exception {
        DataSource pool = app.bean(Pools.class).primary();
        try (Connection c = pool.getConnection()) {
            c.createStatement()
                    .execute("create table if not exists failover_probe (key uuid not null, writer int not null,"
                            + " seq int not null, port int not null)");
        }
        Map<String, Member> before = members();
        Member oldLeader = leader(before);
        Member candidate = before.values().stream()
                .filter(m -> m.role().equals("Sync Standby"))
                .findFirst()
                .orElseThrow();

        Map<UUID, Integer> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        List<Future<Integer>> retries = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            retries.add(writers.submit(() -> write(pool, writer, stop, acknowledged)));
        }
        try {
            Await.until(Duration.ofSeconds(30), () -> acknowledged.size() >= 40 ? Boolean.TRUE : null);
            HttpResponse<String> switchover = HTTP.send(
                    HttpRequest.newBuilder(URI.create(oldLeader.rest() + "/switchover"))
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"leader\":\"" + oldLeader.name()
                                    + "\",\"candidate\":\"" + candidate.name() + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(switchover.statusCode()).as(switchover.body()).isEqualTo(200);
            int newPort = candidate.port();
            // writes resumed: acknowledged by the new primary
            Boolean resumed = Await.until(
                    Duration.ofSeconds(60), () -> acknowledged.containsValue(newPort) ? Boolean.TRUE : null);
            assertThat(resumed).as("a write acknowledged by the new primary").isTrue();
            int onNew = acknowledged.size();
            Await.until(Duration.ofSeconds(30), () -> acknowledged.size() >= onNew + 20 ? Boolean.TRUE : null);
        } finally {
            stop.set(true);
            writers.shutdown();
            assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        int retried = 0;
        for (Future<Integer> f : retries) {
            retried += f.get();
        }

        Map<String, Member> after = members();
        assertThat(leader(after).name()).isEqualTo(candidate.name());
        DataSource newPrimary = dataSource(stripCredentials(env.get("CLASSBASE_DATABASE_URL"))
                .replaceFirst("//[^/]+/", "//127.0.0.1:" + candidate.port() + "/"));
        Map<UUID, Integer> stored = new HashMap<>();
        try (Connection c = newPrimary.getConnection();
                ResultSet rs =
                        c.createStatement().executeQuery("select key, count(*) from failover_probe group by key")) {
            while (rs.next()) {
                stored.put(rs.getObject(1, UUID.class), rs.getInt(2));
            }
        }
        List<UUID> lost = acknowledged.keySet().stream()
                .filter(k -> !stored.containsKey(k))
                .toList();
        List<UUID> duplicated = stored.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .toList();
        assertThat(acknowledged.values()).as("writes before the switchover").contains(oldLeader.port());
        assertThat(lost).as("acknowledged writes missing on the new primary").isEmpty();
        assertThat(duplicated).as("writes stored twice").isEmpty();
        System.out.printf(
                "switchover %s -> %s: %d writes acknowledged, %d retried, 0 lost, 0 duplicated%n",
                oldLeader.name(), candidate.name(), acknowledged.size(), retried);

        // the old primary rejoins as a replica of the new one
        Boolean rejoined = Await.until(Duration.ofSeconds(90), () -> {
            Member m = members().get(oldLeader.name());
            return m != null && !m.role().equals("Leader") && m.state().equals("running") ? Boolean.TRUE : null;
        });
        assertThat(rejoined).as("%s running as a replica", oldLeader.name()).isTrue();
    }

    /** One writer: keyed inserts until stopped; returns how many attempts were retried. */
    private static int write(DataSource pool, int writer, AtomicBoolean stop, Map<UUID, Integer> acknowledged)
            throws InterruptedException {
        int retried = 0;
        for (int seq = 0; !stop.get(); seq++) {
            UUID key = UUID.randomUUID();
            boolean retry = false;
            for (int attempt = 0; ; attempt++) {
                if (stop.get() && attempt > 200) {
                    break; // never acknowledged, so not counted; the test fails on the missing new-primary writes
                }
                try (Connection c = pool.getConnection();
                        PreparedStatement insert = c.prepareStatement("""
                                insert into failover_probe (key, writer, seq, port)
                                select ?, ?, ?, inet_server_port()
                                where not exists (select 1 from failover_probe where key = ?)
                                """);
                        PreparedStatement port = c.prepareStatement("select inet_server_port()")) {
                    c.setAutoCommit(false);
                    insert.setObject(1, key);
                    insert.setInt(2, writer);
                    insert.setInt(3, seq);
                    insert.setObject(4, key);
                    insert.executeUpdate();
                    int server;
                    try (ResultSet rs = port.executeQuery()) {
                        rs.next();
                        server = rs.getInt(1);
                    }
                    c.commit();
                    acknowledged.put(key, server);
                    break;
                } catch (SQLException e) {
                    // not acknowledged: the same key again (it may have committed; the insert checks)
                    if (!retry) {
                        retried++;
                        retry = true;
                    }
                    // a writer's back-off before its retry, as a client's would be; no condition to await
                    Thread.sleep(50);
                }
            }
        }
        return retried;
    }

    record Member(String name, String role, String state, int port, String rest) {}

    private static Member leader(Map<String, Member> members) {
        return members.values().stream()
                .filter(m -> m.role().equals("Leader"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no leader in " + members));
    }

    /** The members as Patroni's REST API reports them (GET /cluster on any node that answers). */
    private static Map<String, Member> members() {
        for (String rest : env.get("PATRONI_REST_URLS").split(",")) {
            try {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create(rest + "/cluster"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    continue;
                }
                Map<String, Member> members = new LinkedHashMap<>();
                for (JsonNode m : JSON.readTree(r.body()).get("members")) {
                    String role = switch (m.get("role").asString()) {
                        case "leader" -> "Leader";
                        case "sync_standby" -> "Sync Standby";
                        default -> "Replica";
                    };
                    members.put(
                            m.get("name").asString(),
                            new Member(
                                    m.get("name").asString(),
                                    role,
                                    m.get("state").asString(),
                                    m.get("port").asInt(),
                                    m.get("api_url").asString().replaceFirst("/patroni$", "")));
                }
                return members;
            } catch (IOException e) {
                // try the next node
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no Patroni node answers at " + env.get("PATRONI_REST_URLS"));
    }

    private static DataSource dataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(stripCredentials(url));
        ds.setUser("classbase");
        ds.setPassword(env.get("PATRONI_CLASSBASE_PASSWORD"));
        ds.setConnectTimeout(5);
        return ds;
    }

    private static String stripCredentials(String url) {
        return url.replaceAll("[&?](user|password)=[^&]*", "");
    }

    private static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq < 0) {
                continue;
            }
            values.put(line.substring(0, eq), line.substring(eq + 1).replaceAll("^'|'$", ""));
        }
        return values;
    }

    private static void run(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), command, dir.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError("local-cluster.sh " + command + " failed:\n" + out);
        }
    }
}
