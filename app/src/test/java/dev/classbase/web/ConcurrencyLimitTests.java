package dev.classbase.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Past the concurrency limit a request is answered at once with 503 problem+json and Retry-After,
 * never queued; the health probes are not limited. The limit is saturated deterministically: a
 * limit of 1 and a request held on a latch.
 */
class ConcurrencyLimitTests {
    private static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(
                TestCluster.shared().springProperties(),
                Map.of(
                        "classbase.web.concurrency.limit", 1,
                        "classbase.web.concurrency.max-wait", "0ms",
                        "classbase.web.concurrency.retry-after", "3s"),
                Held.class);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void pastTheLimitTheAnswerIs503WithRetryAfterAndTheProbesStillAnswer() throws Exception {
        Held.entered = new CountDownLatch(1);
        Held.release = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> app.get("/held", null));
        try {
            assertThat(Held.entered.await(60, TimeUnit.SECONDS))
                    .as("the first request reached the controller")
                    .isTrue();

            HttpResponse<String> shed = app.get("/held", null);
            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(shed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(shed.headers().firstValue("Retry-After")).hasValue("3");
            assertThat(TestApp.json(shed).path("status").asInt()).isEqualTo(503);
            assertThat(TestApp.json(shed).path("limit").asInt()).isEqualTo(1);
            assertThat(TestApp.json(shed).path("retryAfter").asInt()).isEqualTo(3);
            // an API route is shed the same way, before authentication does any work
            assertThat(app.get("/api/v1/courses", null).statusCode()).isEqualTo(503);

            // a load balancer must still see the instance as ready (and alive)
            assertThat(app.get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
            assertThat(app.get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        } finally {
            Held.release.countDown();
        }
        assertThat(held.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        // the slot is free again: the filter gives its permit back after the response is written,
        // so the client may see the answer a moment before the permit returns
        Held.entered = new CountDownLatch(1);
        Held.release = new CountDownLatch(0);
        Integer again = Await.until(Duration.ofSeconds(30), () -> {
            int status = app.get("/held", null).statusCode();
            return status == 503 ? null : status;
        });
        assertThat(again).isEqualTo(200);
    }

    /** A route that holds its request until the test releases it. */
    @RestController
    static class Held {
        static volatile CountDownLatch entered = new CountDownLatch(1);
        static volatile CountDownLatch release = new CountDownLatch(0);

        @GetMapping("/held")
        String hold() throws InterruptedException {
            entered.countDown();
            release.await(60, TimeUnit.SECONDS);
            return "released";
        }
    }
}
