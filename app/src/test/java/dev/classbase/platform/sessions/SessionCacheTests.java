package dev.classbase.platform.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.cache.Caches;
import dev.classbase.platform.fixtures.ApiCalls;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.RedisProcess;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cached tokens across instances: two servers share a real Redis (L2 and the invalidation bus); a
 * third has no Redis and a session ttl of 2 seconds, beside the shared test server (no Redis either).
 */
class SessionCacheTests {
    private static final String ME = "/api/v1/users/me";
    private static RedisProcess redis;
    private static TestApp a;
    private static TestApp b;
    private static TestApp alone;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
        Map<String, Object> properties = TestCluster.shared().springProperties();
        a = TestApp.start(properties, Map.of("classbase.cache.redis-url", redis.url()));
        b = TestApp.start(properties, Map.of("classbase.cache.redis-url", redis.url()));
        alone = TestApp.start(properties, Map.of("classbase.cache.session-ttl", "2s"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {alone, b, a, redis}) {
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
    void aTokenCostsOneLookupOnAnInstanceWithoutIt_andNoneOnceCachedOrInL2() {
        String token = a.signIn("student4@northwood.demo");
        ApiCalls onA = new ApiCalls(a);
        ApiCalls onAlone = new ApiCalls(alone);
        ApiCalls onB = new ApiCalls(b);

        ApiCalls.Call cached = onA.get(ME, token);
        ApiCalls.Call fromL2 = onB.get(ME, token);
        ApiCalls.Call firstElsewhere = onAlone.get(ME, token);
        ApiCalls.Call secondElsewhere = onAlone.get(ME, token);

        assertThat(cached.response().statusCode()).isEqualTo(200);
        assertThat(fromL2.statements()).as("B found the session in Redis").isEqualTo(cached.statements());
        assertThat(firstElsewhere.statements())
                .as("an instance without the token looks it up once")
                .isEqualTo(cached.statements() + 1);
        assertThat(secondElsewhere.statements()).isEqualTo(cached.statements());
        assertThat(b.bean(Caches.class).stats().get("sessions").l2Hits()).isPositive();
    }

    @Test
    void aSignOutOnOneInstanceIsRefusedOnTheOtherThroughTheBus() throws InterruptedException {
        String token = a.signIn("student5@northwood.demo");
        assertThat(b.get(ME, token).statusCode()).isEqualTo(200); // now in B's L1

        assertThat(a.send("DELETE", "/api/v1/sessions/current", token, null, Map.of())
                        .statusCode())
                .isEqualTo(204);

        assertThat(a.get(ME, token).statusCode()).isEqualTo(401);
        Integer refused = Await.until(Duration.ofSeconds(10), () -> {
            int status = b.get(ME, token).statusCode();
            return status == 401 ? status : null;
        });
        assertThat(refused).as("B refuses the signed-out token").isEqualTo(401);
    }

    @Test
    void withoutRedisAnotherInstanceRefusesASignedOutTokenWithinTheSessionTtl() throws InterruptedException {
        TestApp shared = TestApp.shared();
        String token = shared.signIn("student6@northwood.demo");
        assertThat(alone.get(ME, token).statusCode()).isEqualTo(200); // cached there for at most 2 s

        assertThat(shared.send("DELETE", "/api/v1/sessions/current", token, null, Map.of())
                        .statusCode())
                .isEqualTo(204);
        assertThat(shared.get(ME, token).statusCode())
                .as("at once where it was signed out")
                .isEqualTo(401);

        Integer refused = Await.until(Duration.ofSeconds(15), () -> {
            int status = alone.get(ME, token).statusCode();
            return status == 401 ? status : null;
        });
        assertThat(refused)
                .as("the other instance refuses it once its entry expires")
                .isEqualTo(401);
    }
}
