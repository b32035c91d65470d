package dev.classbase.platform.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.seed.DemoAccounts;
import dev.classbase.testsupport.RedisProcess;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Sign-in throttling over HTTP on two servers sharing a real Redis, behind a "proxy": loopback is
 * trusted, so each test names its own client in {@code X-Forwarded-For} and spends its own address
 * budget. A 10-minute window, so no budget refills while a slow machine runs the test; the window
 * itself is moved by a test clock in SignInLimiterTests. Redis is stopped by the last test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignInThrottleTests {
    private static final int WINDOW_SECONDS = 600;
    private static final int ADDRESS_ATTEMPTS = 15;
    private static final Pattern THROTTLED =
            Pattern.compile("(?m)^classbase_sign_in_throttled_total\\{[^}]*reason=\"(account|address)\"[^}]*} (\\S+)$");
    private static RedisProcess redis;
    private static TestApp a;
    private static TestApp b;
    /** Prometheus is for operators: one token, taken before any budget is spent. */
    private static String operator;

    @BeforeAll
    static void start() {
        TestApp.shared(); // the demo district the accounts below belong to
        redis = RedisProcess.start();
        Map<String, Object> throttling = Map.of(
                "classbase.cache.redis-url",
                redis.url(),
                "classbase.sign-in.window",
                WINDOW_SECONDS + "s",
                "classbase.sign-in.address-attempts",
                ADDRESS_ATTEMPTS,
                "classbase.sign-in.trusted-proxies",
                "127.0.0.1,::1");
        a = TestApp.start(TestCluster.shared().springProperties(), throttling);
        b = TestApp.start(TestCluster.shared().springProperties(), throttling);
        operator = a.signInOperator();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {b, a, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
    }

    @Test
    @Order(1)
    void theEleventhWrongPasswordIs429AndTheRightOneIsRefusedTooButNotForAnotherAccount() {
        String client = "198.51.100.1";
        double before = throttled(a, "account");
        for (int i = 0; i < 10; i++) {
            assertThat(signIn(a, client, "student7@northwood.demo", "wrong-" + i)
                            .statusCode())
                    .isEqualTo(401);
        }

        HttpResponse<String> eleventh = signIn(a, client, "student7@northwood.demo", "wrong-10");
        HttpResponse<String> right = signIn(a, client, "Student7@Northwood.demo", DemoAccounts.PASSWORD);

        for (HttpResponse<String> refused : java.util.List.of(eleventh, right)) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            long retryAfter =
                    Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, (long) WINDOW_SECONDS);
            assertThat(TestApp.json(refused).path("retryAfter").asLong()).isEqualTo(retryAfter);
        }
        assertThat(signIn(a, client, "student8@northwood.demo", DemoAccounts.PASSWORD)
                        .statusCode())
                .as("another account from the same client")
                .isEqualTo(201);
        assertThat(throttled(a, "account")).isEqualTo(before + 2);
    }

    @Test
    @Order(2)
    void anAccountThatDoesNotExistIsThrottledAlike() {
        String client = "198.51.100.2";
        for (int i = 0; i < 10; i++) {
            assertThat(signIn(a, client, "nobody@northwood.demo", "guess-" + i).statusCode())
                    .isEqualTo(401);
        }
        HttpResponse<String> refused = signIn(a, client, "nobody@northwood.demo", "guess-10");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(TestApp.json(refused).path("detail").asString()).contains("account");
    }

    @Test
    @Order(3)
    void failuresOnOneInstanceCountOnTheOther() {
        String client = "198.51.100.3";
        for (int i = 0; i < 10; i++) {
            TestApp server = i % 2 == 0 ? a : b;
            assertThat(signIn(server, client, "student9@northwood.demo", "wrong-" + i)
                            .statusCode())
                    .isEqualTo(401);
        }
        assertThat(signIn(b, client, "student9@northwood.demo", DemoAccounts.PASSWORD)
                        .statusCode())
                .as("b saw five failures itself, a the other five")
                .isEqualTo(429);
        assertThat(signIn(a, "198.51.100.4", "student9@northwood.demo", DemoAccounts.PASSWORD)
                        .statusCode())
                .as("from another client too: the account's budget is spent")
                .isEqualTo(429);
    }

    @Test
    @Order(4)
    void anAddressSpendsItsBudgetOnEveryAttempt_sharedByTheInstances() {
        String client = "203.0.113.9";
        double before = throttled(b, "address");
        for (int i = 0; i < ADDRESS_ATTEMPTS; i++) {
            TestApp server = i % 2 == 0 ? a : b;
            // right passwords for a real account count against the address as much as wrong ones
            int status = i % 3 == 0
                    ? signIn(server, client, "student10@northwood.demo", DemoAccounts.PASSWORD)
                            .statusCode()
                    : signIn(server, client, "someone" + i + "@northwood.demo", "x")
                            .statusCode();
            assertThat(status).isIn(201, 401);
        }
        HttpResponse<String> refused = signIn(b, client, "student11@northwood.demo", DemoAccounts.PASSWORD);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(TestApp.json(refused).path("detail").asString()).contains("address");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(throttled(b, "address")).isEqualTo(before + 1);
        assertThat(signIn(b, "203.0.113.10", "student11@northwood.demo", DemoAccounts.PASSWORD)
                        .statusCode())
                .as("another address")
                .isEqualTo(201);
    }

    @Test
    @Order(5)
    void withRedisGoneSignInKeepsWorkingAndIsThrottledInTheInstance() {
        redis.close();
        String client = "198.51.100.5";
        assertThat(signIn(a, client, "student12@northwood.demo", DemoAccounts.PASSWORD)
                        .statusCode())
                .isEqualTo(201);
        for (int i = 0; i < 10; i++) {
            assertThat(signIn(a, client, "student12@northwood.demo", "wrong-" + i)
                            .statusCode())
                    .isEqualTo(401);
        }
        assertThat(signIn(a, client, "student12@northwood.demo", DemoAccounts.PASSWORD)
                        .statusCode())
                .isEqualTo(429);
        assertThat(a.bean(SignInLimiter.class).shared()).isFalse();
    }

    private static HttpResponse<String> signIn(TestApp app, String client, String email, String password) {
        return app.send(
                "POST",
                "/api/v1/sessions",
                null,
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}",
                Map.of("X-Forwarded-For", client));
    }

    /** The counter as /actuator/prometheus shows it (0 when the series is missing fails the caller's assert). */
    private static double throttled(TestApp app, String reason) {
        String text = app.get("/actuator/prometheus", operator).body();
        Matcher m = THROTTLED.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(reason)) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no classbase_sign_in_throttled_total{reason=\"" + reason + "\"} in\n" + text);
    }
}
