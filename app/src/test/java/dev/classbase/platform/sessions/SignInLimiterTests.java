package dev.classbase.platform.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.testsupport.LocalPorts;
import dev.classbase.web.ApiException;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * The limiter in this instance, on a clock the test moves: budgets, refusal before anything else,
 * the window's refill, right passwords not counted, the email normalised; the client address
 * behind trusted proxies; the settings' defaults and validation.
 */
class SignInLimiterTests {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final TimeMeter clock = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    };
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private SignInLimiter limiter(int accountFailures, int addressAttempts) {
        return new SignInLimiter(
                new SignInProperties(accountFailures, addressAttempts, Duration.ofMinutes(1), List.of()),
                null,
                Duration.ofMillis(250),
                registry,
                clock);
    }

    @Test
    void theEleventhFailureWithinTheWindowIsRefusedUntilTheWindowEnds() {
        SignInLimiter limiter = limiter(10, 1000);
        for (int i = 0; i < 10; i++) {
            limiter.attempt("student1@northwood.demo", "192.0.2.1"); // wrong password: kept
            nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        }
        // 50 s into the window: 10 s left
        assertThatThrownBy(() -> limiter.attempt("Student1@Northwood.demo ", "192.0.2.2"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(429);
                    assertThat(e.properties()).containsEntry("retryAfter", 10L);
                });
        assertThat(registry.counter("classbase.sign_in.throttled", "reason", "account")
                        .count())
                .isOne();
        limiter.attempt("student2@northwood.demo", "192.0.2.1"); // another account is not affected

        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        limiter.attempt("student1@northwood.demo", "192.0.2.1"); // a new window
    }

    @Test
    void aRightPasswordIsNotCountedAndResetsNothing() {
        SignInLimiter limiter = limiter(3, 1000);
        for (int i = 0; i < 20; i++) {
            limiter.attempt("teacher1@northwood.demo", "192.0.2.1").notCounted();
        }
        limiter.attempt("teacher1@northwood.demo", "192.0.2.1");
        limiter.attempt("teacher1@northwood.demo", "192.0.2.1");
        limiter.attempt("teacher1@northwood.demo", "192.0.2.1").notCounted(); // right, after two wrong
        limiter.attempt("teacher1@northwood.demo", "192.0.2.1"); // the third failure
        assertThatThrownBy(() -> limiter.attempt("teacher1@northwood.demo", "192.0.2.1"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(429));
    }

    @Test
    void anAddressSpendsItsBudgetOnEveryAttemptAndIsRefusedFirst() {
        SignInLimiter limiter = limiter(10, 5);
        for (int i = 0; i < 5; i++) {
            limiter.attempt("user" + i + "@nowhere.demo", "2001:db8::1").notCounted();
        }
        assertThatThrownBy(() -> limiter.attempt("fresh@nowhere.demo", "2001:db8::1"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(429);
                    assertThat(e.getMessage()).contains("address");
                    assertThat(e.properties()).containsEntry("retryAfter", 60L);
                });
        assertThat(registry.counter("classbase.sign_in.throttled", "reason", "address")
                        .count())
                .isOne();
        limiter.attempt("fresh@nowhere.demo", "2001:db8::2");
    }

    @Test
    void anUnreachableRedisLeavesTheLimitsInThisInstance() {
        SignInLimiter limiter = new SignInLimiter(
                new SignInProperties(2, 1000, Duration.ofMinutes(1), List.of()),
                "redis://127.0.0.1:" + LocalPorts.free(),
                Duration.ofMillis(250),
                registry,
                clock);
        try {
            assertThat(limiter.shared()).isFalse();
            limiter.attempt("a@b.demo", "192.0.2.1");
            limiter.attempt("a@b.demo", "192.0.2.1");
            assertThatThrownBy(() -> limiter.attempt("a@b.demo", "192.0.2.1"))
                    .isInstanceOfSatisfying(
                            ApiException.class,
                            e -> assertThat(e.status().value()).isEqualTo(429));
        } finally {
            limiter.close();
        }
    }

    @Test
    void theClientIsTheSocketUnlessATrustedProxySaysOtherwise() {
        ClientAddress none = new ClientAddress(List.of());
        ClientAddress haproxy = new ClientAddress(List.of("10.0.0.0/8", "::1"));

        assertThat(none.of(request("10.1.2.3", "198.51.100.7"))).isEqualTo("10.1.2.3");
        assertThat(haproxy.of(request("10.1.2.3", "198.51.100.7"))).isEqualTo("198.51.100.7");
        // the client's own entries (left) are not believed; the rightmost untrusted hop is the client
        assertThat(haproxy.of(request("10.1.2.3", "1.1.1.1, 198.51.100.7, 10.9.9.9")))
                .isEqualTo("198.51.100.7");
        assertThat(haproxy.of(request("0:0:0:0:0:0:0:1", "203.0.113.5"))).isEqualTo("203.0.113.5");
        // not from a trusted proxy: the header is whatever the client wrote
        assertThat(haproxy.of(request("192.0.2.44", "198.51.100.7"))).isEqualTo("192.0.2.44");
        // no header, or garbage in it: the proxy itself
        assertThat(haproxy.of(request("10.1.2.3", null))).isEqualTo("10.1.2.3");
        assertThat(haproxy.of(request("10.1.2.3", "example.com"))).isEqualTo("10.1.2.3");
        assertThat(haproxy.of(request("10.1.2.3", "[2001:db8::7]"))).isEqualTo("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void defaultsAndBadSettings() {
        SignInProperties defaults = SignInProperties.defaults();
        assertThat(defaults.accountFailures()).isEqualTo(10);
        assertThat(defaults.addressAttempts()).isEqualTo(100);
        assertThat(defaults.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(defaults.trustedProxies()).isEmpty();

        SignInProperties clamped = new SignInProperties(0, -5, Duration.ZERO, null);
        assertThat(clamped.accountFailures()).isEqualTo(1);
        assertThat(clamped.addressAttempts()).isEqualTo(1);
        assertThat(clamped.window()).isEqualTo(Duration.ofSeconds(1));

        for (String bad : List.of("haproxy.internal", "10.0.0.0/33", "10.0.0.0/x", "::1/129")) {
            assertThatThrownBy(() -> new SignInProperties(null, null, null, List.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("classbase.sign-in.trusted-proxies")
                    .hasMessageContaining(bad);
        }
    }

    private static MockHttpServletRequest request(String remote, String forwardedFor) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/sessions");
        request.setRemoteAddr(remote);
        if (forwardedFor != null) {
            request.addHeader(ClientAddress.FORWARDED_FOR, forwardedFor);
        }
        return request;
    }
}
