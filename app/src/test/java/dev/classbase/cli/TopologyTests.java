package dev.classbase.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.ClusterConfig;
import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scale-out topology of bench/topology.sh on this machine: PostgreSQL primary and two replicas
 * on their own (db start), a PgBouncer in front of each, Redis, two serve instances in external
 * mode and HAProxy. Requests reach both instances, a sign-out on one is refused on the other, reads
 * land on both replicas, and the primary sees no more connections than PgBouncer's pool. A killed
 * process starts again with {@code restart} (last: it takes Redis away for a moment).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopologyTests {
    private static final String EMAIL = "student@topology.test";
    private static final String PASSWORD = DemoAccounts.PASSWORD;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Path dir;
    private static Path data;
    private static Map<String, String> env;
    private static Map<String, Long> pids;
    /** A student's token, signed in through HAProxy once (a sign-in hashes the password: slow on purpose). */
    private static String token;

    @BeforeAll
    static void up() throws Exception {
        dir = TestCluster.privateDir("topology").toAbsolutePath();
        data = dir.resolve("cluster");
        // the cluster first, with one account instead of the demo district (seeding takes minutes):
        // up keeps running servers and seeds nothing into a database that has a tenant
        Cli.Result start = Cli.inProcess("db", "start", "--replicas", "2", "--no-seed", "--data-dir", data.toString());
        assertThat(start.exitCode()).as(start.output()).isZero();
        try (EmbeddedCluster cluster = EmbeddedCluster.attachIfRunning(ClusterConfig.of(data, 2))
                        .orElseThrow();
                Connection c = connect(
                        cluster.superuser(cluster.primary()).jdbcUrl(),
                        cluster.superuser(cluster.primary()).user(),
                        cluster.superuser(cluster.primary()).password())) {
            try (PreparedStatement ps = c.prepareStatement("""
                    WITH t AS (INSERT INTO tenants (name, slug) VALUES ('Topology', 'topology') RETURNING id)
                    INSERT INTO users (tenant_id, email, full_name, role, password_hash)
                    SELECT id, ?, 'Topology Student', 'student', ? FROM t
                    """)) {
                ps.setString(1, EMAIL);
                ps.setString(2, DemoAccounts.passwordHash());
                ps.executeUpdate();
            }
        }
        Cli.Result result = script(
                Duration.ofMinutes(6), "up", "--instances", "2", "--replicas", "2", "--data-dir", data.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        env = readEnv(dir.resolve("topology.env"));
        pids = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("pids"))) {
            String[] parts = line.trim().split("\\s+");
            pids.put(parts[0], Long.parseLong(parts[1]));
        }
        token = signIn(env.get("CLASSBASE_URL"));
    }

    @AfterAll
    static void down() throws Exception {
        Cli.Result result = script(Duration.ofMinutes(3), "down");
        Cli.inProcess("db", "stop", "--data-dir", data.toString()); // when up failed half-way
        assertThat(result.exitCode()).as(result.output()).isZero();
        if (pids != null) {
            for (Map.Entry<String, Long> p : pids.entrySet()) {
                assertThat(ProcessHandle.of(p.getValue())
                                .map(ProcessHandle::isAlive)
                                .orElse(false))
                        .as(p.getKey() + " (pid " + p.getValue() + ") is left running")
                        .isFalse();
            }
        }
    }

    @Test
    void everyPartRunsAsItsOwnProcess() {
        assertThat(pids)
                .containsKeys(
                        "app1",
                        "app2",
                        "haproxy",
                        "redis",
                        "pgbouncer-primary",
                        "pgbouncer-replica1",
                        "pgbouncer-replica2",
                        "postgres-primary",
                        "postgres-replica1",
                        "postgres-replica2");
        assertThat(pids.values())
                .doesNotHaveDuplicates()
                .allMatch(
                        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertThat(env.get("INSTANCE_URLS").split(",")).hasSize(2);
        assertThat(env.get("REPLICA_URLS").split(",")).hasSize(2);
        assertThat(env.get("PGBOUNCER_URLS").split(",")).hasSize(3);
        assertThat(env.get("REDIS_URL")).startsWith("redis://127.0.0.1:");
    }

    @Test
    void requestsThroughHaproxyReachBothInstances() throws Exception {
        Set<String> seen = new HashSet<>();
        Set<String> answered = Await.until(Duration.ofSeconds(30), () -> {
            HttpResponse<String> r = get(env.get("CLASSBASE_URL") + "/actuator/health/readiness", null);
            assertThat(r.statusCode()).isEqualTo(200);
            r.headers().firstValue("Classbase-Instance").ifPresent(seen::add);
            return seen.size() == 2 ? seen : null;
        });
        assertThat(answered).containsExactlyInAnyOrder("app1", "app2");
    }

    @Test
    void aSignOutOnOneInstanceIsRefusedOnTheOther() throws Exception {
        String[] instances = env.get("INSTANCE_URLS").split(",");
        String token = signIn(instances[0]);
        // the other instance accepts the token (and now holds it in its own cache)
        assertThat(get(instances[1] + "/api/v1/courses", token).statusCode()).isEqualTo(200);
        HttpResponse<String> signOut = HTTP.send(
                HttpRequest.newBuilder(URI.create(instances[0] + "/api/v1/sessions/current"))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(30))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signOut.statusCode()).as(signOut.body()).isBetween(200, 204);
        // the invalidation crosses Redis's bus; the other instance refuses the token once it arrived
        int status = Await.until(Duration.ofSeconds(10), () -> {
            int s = get(instances[1] + "/api/v1/courses", token).statusCode();
            return s == 401 ? s : null;
        });
        assertThat(status).isEqualTo(401);
        assertThat(get(instances[0] + "/api/v1/courses", token).statusCode()).isEqualTo(401);
    }

    @Test
    void readsLandOnBothReplicas() throws Exception {
        Set<String> sources = new HashSet<>();
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        Set<String> replicas = Await.until(Duration.ofSeconds(60), () -> {
            // a search of its own each time: an answer from the cache reads no server
            HttpResponse<String> r =
                    get(env.get("CLASSBASE_URL") + "/api/v1/courses?q=topology" + n.incrementAndGet(), token);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            r.headers().firstValue("Classbase-Read-Source").ifPresent(sources::add);
            return sources.containsAll(List.of("replica1", "replica2")) ? sources : null;
        });
        assertThat(replicas).contains("replica1", "replica2");
    }

    @Test
    void thePrimarySeesNoMoreServerConnectionsThanPgbouncersPool() throws Exception {
        // concurrent writes and reads on both instances, so each instance's primary pool opens up
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            threads.add(Thread.ofVirtual()
                    .start(() -> IntStream.range(0, 10).forEach(i -> {
                        try {
                            get(env.get("CLASSBASE_URL") + "/api/v1/courses", token);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })));
        }
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(2));
        }
        Map<String, Integer> ini = bouncerSizes(dir.resolve("pgbouncer-primary").resolve("pgbouncer.ini"));
        int perUser = ini.get("default_pool_size") + ini.get("reserve_pool_size");
        URI primary = URI.create(env.get("PRIMARY_URL").replaceFirst("^postgresql://", "http://"));
        String[] userInfo = primary.getUserInfo().split(":", 2);
        try (Connection c = connect(
                        "jdbc:postgresql://" + primary.getHost() + ":" + primary.getPort() + primary.getPath(),
                        userInfo[0],
                        userInfo[1]);
                PreparedStatement ps = c.prepareStatement("""
                        SELECT usename, count(*) FROM pg_stat_activity
                        WHERE backend_type = 'client backend' AND usename IN ('classbase', 'classbase_app')
                        GROUP BY usename
                        """);
                ResultSet rs = ps.executeQuery()) {
            int total = 0;
            while (rs.next()) {
                assertThat(rs.getInt(2))
                        .as("server connections of " + rs.getString(1))
                        .isLessThanOrEqualTo(perUser);
                total += rs.getInt(2);
            }
            assertThat(total).isPositive().isLessThanOrEqualTo(ini.get("max_db_connections"));
        }
    }

    private static String signIn(String base) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/sessions"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"email\":\"" + EMAIL + "\",\"password\":\"" + PASSWORD + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode body = JSON.readTree(r.body());
        return body.path("token").asString();
    }

    private static HttpResponse<String> get(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void aKilledProcessStartsAgainOnItsPortAndItsNewPidIsRecorded() throws Exception {
        Cli.Result running = script(Duration.ofMinutes(1), "restart", "redis");
        assertThat(running.exitCode())
                .as("a running process is not started twice")
                .isNotZero();
        assertThat(running.output()).contains("still running");

        long killed = pids.get("redis");
        ProcessHandle redisProcess = ProcessHandle.of(killed).orElseThrow();
        redisProcess.destroyForcibly(); // SIGKILL
        redisProcess.onExit().get(30, TimeUnit.SECONDS);
        Cli.Result result = script(Duration.ofMinutes(1), "restart", "redis");
        assertThat(result.exitCode()).as(result.output()).isZero();

        long restarted = -1;
        for (String line : Files.readAllLines(dir.resolve("pids"))) {
            String[] parts = line.trim().split("\\s+");
            if (parts[0].equals("redis")) {
                assertThat(restarted).as("one redis line").isEqualTo(-1);
                restarted = Long.parseLong(parts[1]);
            }
        }
        assertThat(restarted).isNotEqualTo(killed);
        assertThat(ProcessHandle.of(restarted).map(ProcessHandle::isAlive).orElse(false))
                .isTrue();
        URI redis = URI.create(env.get("REDIS_URL"));
        try (var socket = new java.net.Socket(redis.getHost(), redis.getPort())) {
            socket.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] answer = new byte[7];
            int n = socket.getInputStream().readNBytes(answer, 0, 7);
            assertThat(new String(answer, 0, n, java.nio.charset.StandardCharsets.US_ASCII))
                    .as("the restarted Redis answers on the same port")
                    .isEqualTo("+PONG\r\n");
        }
    }

    /** Runs bench/topology.sh with the test's class path as classbase and its own folder. */
    private static Cli.Result script(Duration timeout, String... args) throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> command = new ArrayList<>(
                List.of("bash", root.resolve("bench/topology.sh").toString()));
        command.addAll(List.of(args));
        Path out = Cli.temp("out");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("CLASSBASE_"));
        builder.environment().put("CLASSBASE_TOPOLOGY_DIR", dir.toString());
        builder.environment()
                .put(
                        "CLASSBASE_CMD",
                        Path.of(System.getProperty("java.home"), "bin", "java") + " -cp "
                                + System.getProperty("java.class.path") + " dev.classbase.Classbase");
        long started = System.nanoTime();
        Process p = builder.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroy(); // the script's trap stops what it started
            p.waitFor(2, TimeUnit.MINUTES);
            throw new AssertionError(
                    "topology.sh " + String.join(" ", args) + " took over " + timeout + ":\n" + Cli.read(out));
        }
        return new Cli.Result(p.exitValue(), Cli.read(out), "", Duration.ofNanos(System.nanoTime() - started));
    }

    private static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    private static Map<String, Integer> bouncerSizes(Path ini) throws IOException {
        Map<String, Integer> sizes = new HashMap<>();
        for (String line : Files.readAllLines(ini)) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2 && kv[1].trim().matches("\\d+")) {
                sizes.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
            }
        }
        return sizes;
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url, props);
    }
}
