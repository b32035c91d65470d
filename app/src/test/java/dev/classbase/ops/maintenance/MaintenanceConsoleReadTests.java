package dev.classbase.ops.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.pool.Pools;
import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.views.RefreshResult;
import dev.classbase.ops.views.ViewProperties;
import dev.classbase.ops.views.ViewRefresher;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The maintenance overview reads on the console's two connections, never on the analytics pool the
 * scheduled jobs run on: a burst of overviews answers 200 or a quick 503 with Retry-After, and a view
 * refresh running meanwhile on the analytics pool (two connections here, as on a small server) gets
 * its connection.
 */
class MaintenanceConsoleReadTests {
    private static final String PATH = "/api/v1/admin/database/maintenance";
    private static TestApp app;
    private static String operator;

    @BeforeAll
    static void start() {
        TestApp.shared(); // the demo district
        app = TestApp.start(
                TestCluster.shared().springProperties(),
                Map.of(
                        "classbase.pools.analytics.max-size", 2,
                        "classbase.views.scheduler-enabled", false,
                        "classbase.rollups.scheduler-enabled", false,
                        "classbase.maintenance.scheduler-enabled", false));
        operator = app.signInOperator();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void eightOverviewsAtOnceLeaveTheViewRefreshItsConnections() throws Exception {
        ViewRefresher refresher = new ViewRefresher(
                app.bean(Pools.class).analyticsPrimary(), app.bean(ViewProperties.class), Clock.systemUTC());
        AtomicBoolean burstDone = new AtomicBoolean();
        List<RefreshResult> refreshes = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch refreshing = new CountDownLatch(1);
            // the scheduled refresh's work, on its pool, for as long as the burst lasts
            Future<?> refresh = threads.submit(() -> {
                do {
                    refreshing.countDown();
                    refreshes.addAll(refresher.refresh(List.of(), false));
                } while (!burstDone.get());
                return null;
            });
            refreshing.await();
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                burst.add(CompletableFuture.supplyAsync(() -> app.get(PATH, operator), threads));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> f : burst) {
                answers.add(f.get());
            }
            burstDone.set(true);
            refresh.get(); // throws if the refresh could not get a connection

            for (HttpResponse<String> r : answers) {
                assertThat(r.statusCode()).as(r.body()).isIn(200, 503);
                if (r.statusCode() == 503) {
                    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                }
            }
            assertThat(answers).anyMatch(r -> r.statusCode() == 200);
        }
        assertThat(refreshes).isNotEmpty().noneMatch(r -> r.outcome() == RefreshResult.Outcome.FAILED);
    }

    @Test
    void withTheConsolesConnectionsBusyTheOverviewIs503WithRetryAfter() throws Exception {
        ConsoleDatabase console = app.bean(ConsoleDatabase.class);
        CountDownLatch held = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> holders = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                holders.add(threads.submit(() -> console.readOnly(Duration.ofSeconds(60), c -> {
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                })));
            }
            held.await();
            try {
                HttpResponse<String> busy = app.get(PATH, operator);
                assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
                assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(busy.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            } finally {
                release.countDown();
            }
            for (Future<Object> h : holders) {
                h.get();
            }
        }
        HttpResponse<String> ok = app.get(PATH, operator);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }
}
