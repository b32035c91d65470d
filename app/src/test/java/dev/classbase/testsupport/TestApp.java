package dev.classbase.testsupport;

import dev.classbase.ClassbaseApplication;
import dev.classbase.cluster.Endpoint;
import dev.classbase.platform.operators.OperatorAccounts;
import dev.classbase.seed.DataGenerator;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.seed.Scale;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real server (the whole Spring application, HTTP on a random port) on the shared test
 * cluster, whose classbase database holds the demo district (seed 42, as of {@link #AS_OF}).
 * Started once per test JVM; tests that need other settings start their own with {@link #start}.
 */
public final class TestApp implements AutoCloseable {
    public static final LocalDate AS_OF = LocalDate.of(2026, 11, 2);
    private static TestApp shared;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ConfigurableApplicationContext context;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private boolean demoOperator;

    private static final List<TestApp> RUNNING = new ArrayList<>();
    private static final Map<String, Long> CLOSED_N_PLUS_ONES = new java.util.TreeMap<>();

    private TestApp(ConfigurableApplicationContext context) {
        this.context = context;
        synchronized (TestApp.class) {
            RUNNING.add(this);
        }
    }

    public static synchronized TestApp shared() {
        if (shared == null) {
            TestCluster cluster = TestCluster.shared();
            DataGenerator generator = new DataGenerator(cluster.primaryDataSource());
            if (generator.isEmpty()) {
                generator.generate(Scale.DEMO, 42, AS_OF, DemoAccounts.passwordHash(), null);
            }
            shared = start(cluster.springProperties(), Map.of());
        }
        return shared;
    }

    /** A server of the test's own; extra sources are configuration classes or beans to add. */
    public static TestApp start(
            Map<String, Object> properties, Map<String, Object> overrides, Class<?>... extraSources) {
        Map<String, Object> merged = new java.util.LinkedHashMap<>();
        // every test signs in from 127.0.0.1, far more often than a person does; the tests of the
        // per-address budget set their own
        merged.put("classbase.sign-in.address-attempts", 1_000_000);
        merged.putAll(properties);
        merged.putAll(overrides); // a repeated --key would be joined with a comma, not replaced
        List<String> args = new ArrayList<>();
        merged.forEach((k, v) -> args.add("--" + k + "=" + v));
        args.add("--server.port=0");
        Class<?>[] sources = new Class<?>[extraSources.length + 1];
        sources[0] = ClassbaseApplication.class;
        System.arraycopy(extraSources, 0, sources, 1, extraSources.length);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(sources)
                .web(WebApplicationType.SERVLET)
                .run(args.toArray(String[]::new));
        return new TestApp(context);
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    public String url(String path) {
        return "http://localhost:" + port() + path;
    }

    /** Signs in with the demo password and returns the bearer token. */
    public String signIn(String email) {
        HttpResponse<String> response = send(
                "POST",
                "/api/v1/sessions",
                null,
                "{\"email\":\"" + email + "\",\"password\":\"" + DemoAccounts.PASSWORD + "\"}",
                Map.of());
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new AssertionError(
                    "sign-in as " + email + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("token").asString();
    }

    /**
     * Signs in as the demo operator ({@link DemoAccounts#OPERATOR}, platform staff: the database
     * console and the actuator), adding it first to this server's database as serve seeds it.
     */
    public String signInOperator() {
        addDemoOperator();
        return signIn(DemoAccounts.OPERATOR);
    }

    /**
     * Adds the demo operator to this server's database unless it is there (the operators table is
     * the owner's: the server's service role cannot write it). For a server on the shared test
     * cluster; a test on a cluster of its own adds it with {@link OperatorAccounts} as that owner.
     */
    public synchronized void addDemoOperator() {
        if (demoOperator) {
            return;
        }
        Endpoint owner = TestCluster.shared().cluster().primary();
        String url = context.getEnvironment().getProperty("classbase.database.primary.url");
        if (url == null || !url.contains(":" + owner.port() + "/")) {
            throw new AssertionError("this server is not on the shared test cluster (" + url
                    + "): add the operator with OperatorAccounts as its owner, then signIn(DemoAccounts.OPERATOR)");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(owner.user());
        ds.setPassword(owner.password());
        new OperatorAccounts(ds).addIfAbsent(DemoAccounts.OPERATOR, DemoAccounts.passwordHash());
        demoOperator = true;
    }

    public HttpResponse<String> get(String path, String token) {
        return send("GET", path, token, null, Map.of());
    }

    public HttpResponse<String> post(String path, String token, String json) {
        return send("POST", path, token, json, Map.of());
    }

    public HttpResponse<String> send(
            String method, String path, String token, String json, Map<String, String> headers) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        if (json != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A request whose body is sent as given, with the headers as given (no Content-Type added). */
    public HttpResponse<String> sendRaw(
            String method, String path, String token, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        request.method(
                method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /**
     * The N+1 patterns the query watch flagged in every server the tests started, by route, those
     * still running and those closed: the suite asserts it stays empty (QueryWatchSuiteTests).
     */
    public static synchronized Map<String, Long> nPlusOnesSoFar() {
        Map<String, Long> all = new java.util.TreeMap<>(CLOSED_N_PLUS_ONES);
        for (TestApp app : RUNNING) {
            app.nPlusOnesByRoute().forEach((route, n) -> all.merge(route, n, Long::sum));
        }
        return all;
    }

    private Map<String, Long> nPlusOnesByRoute() {
        Map<String, Long> byRoute = new java.util.TreeMap<>();
        bean(io.micrometer.core.instrument.MeterRegistry.class)
                .find("classbase.query.n_plus_one")
                .counters()
                .forEach(c -> byRoute.merge(String.valueOf(c.getId().getTag("route")), (long) c.count(), Long::sum));
        byRoute.values().removeIf(n -> n == 0);
        return byRoute;
    }

    @Override
    public void close() {
        synchronized (TestApp.class) {
            if (RUNNING.remove(this)) {
                nPlusOnesByRoute().forEach((route, n) -> CLOSED_N_PLUS_ONES.merge(route, n, Long::sum));
            }
        }
        context.close();
    }
}
