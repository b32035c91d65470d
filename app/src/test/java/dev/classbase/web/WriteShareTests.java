package dev.classbase.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Writes hold at most their share of the concurrency limit (a bulkhead): with the writes' slots
 * taken by writes that hang (as on a primary that cannot be reached), one more write is answered
 * 503 at once, and a read is still served. A limit of 4 and a write share of 0.5: two writes.
 */
class WriteShareTests {
    private static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(
                TestCluster.shared().springProperties(),
                Map.of(
                        "classbase.web.concurrency.limit",
                        4,
                        "classbase.web.concurrency.write-share",
                        0.5,
                        "classbase.web.concurrency.max-wait",
                        "0ms",
                        "classbase.web.concurrency.retry-after",
                        "2s"),
                HeldWrites.class);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void writesPastTheirShareAre503AndReadsStillAnswer() throws Exception {
        HeldWrites.entered = new CountDownLatch(2);
        HeldWrites.release = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                held.add(CompletableFuture.supplyAsync(() -> app.post("/held-write", null, "{}")));
            }
            assertThat(HeldWrites.entered.await(60, TimeUnit.SECONDS))
                    .as("both writes reached the controller")
                    .isTrue();

            HttpResponse<String> shed = app.post("/held-write", null, "{}");
            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(shed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(shed.headers().firstValue("Retry-After")).hasValue("2");
            assertThat(TestApp.json(shed).path("limit").asInt()).isEqualTo(2);
            assertThat(TestApp.json(shed).path("detail").asString()).contains("2 writes");

            // two of the four slots are free for reads
            HttpResponse<String> read = app.get("/read-beside", null);
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(read.body()).isEqualTo("read");
        } finally {
            HeldWrites.release.countDown();
        }
        for (CompletableFuture<HttpResponse<String>> h : held) {
            assertThat(h.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    /** A write route that holds its request until the test releases it, and a read beside it. */
    @RestController
    static class HeldWrites {
        static volatile CountDownLatch entered = new CountDownLatch(0);
        static volatile CountDownLatch release = new CountDownLatch(0);

        @PostMapping("/held-write")
        String hold() throws InterruptedException {
            entered.countDown();
            release.await(60, TimeUnit.SECONDS);
            return "released";
        }

        @GetMapping("/read-beside")
        String read() {
            return "read";
        }
    }
}
