package dev.classbase.ops.alerts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers notifications to {@code classbase.alerts.webhook-url} as JSON POSTs, on its own thread
 * and in order (a resolve never overtakes its firing), so the evaluator only enqueues and never
 * waits. A delivery is retried with doubling backoff up to {@code webhook-attempts} (bounded: at
 * most 10 attempts, each capped at 30 s apart); a delivery that still fails is logged once per
 * alert, and its outcome is recorded on the alert ({@code delivery}). The queue is bounded too: when
 * a dead receiver lets it fill, new notifications are dropped with a warning.
 */
final class WebhookNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final int QUEUE = 1000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI url;
    private final AlertProperties properties;
    private final BiConsumer<Long, String> deliveries;
    private final HttpClient http;
    private final BlockingQueue<Notification> queue = new LinkedBlockingQueue<>(QUEUE);
    private final Set<Long> failureLogged = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > QUEUE;
        }
    });
    private final Thread worker;
    private volatile boolean running = true;

    /** {@code deliveries}: told each alert's delivery outcome (the evaluator writes it to the table). */
    WebhookNotifier(AlertProperties properties, BiConsumer<Long, String> deliveries) {
        this.url = properties.webhookUrl();
        this.properties = properties;
        this.deliveries = deliveries;
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.webhookTimeout())
                .build();
        this.worker = url == null
                ? null
                : Thread.ofPlatform().name("alerts-webhook").daemon().start(this::work);
    }

    boolean configured() {
        return url != null;
    }

    /** Queues the notification; never blocks. */
    void send(Notification n) {
        if (url == null) {
            return;
        }
        if (!queue.offer(n)) {
            log.warn(
                    "alert webhook: {} notifications waiting for {}; dropped {} of {}",
                    QUEUE,
                    url,
                    n.status(),
                    n.alert().rule());
        }
    }

    private void work() {
        while (running) {
            Notification n;
            try {
                n = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            deliver(n);
        }
    }

    private void deliver(Notification n) {
        byte[] body = JSON.writeValueAsBytes(n.body());
        Duration backoff = properties.webhookBackoff();
        String lastError = null;
        for (int attempt = 1; attempt <= properties.webhookAttempts() && running; attempt++) {
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(url)
                                .timeout(properties.webhookTimeout())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    record(n, n.status() + " delivered at " + n.sentAt() + " (attempt " + attempt + ")");
                    return;
                }
                lastError = "HTTP " + response.statusCode();
            } catch (IOException e) {
                lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            log.debug(
                    "alert webhook: {} of {} attempt {} failed: {}",
                    n.status(),
                    n.alert().rule(),
                    attempt,
                    lastError);
            if (attempt < properties.webhookAttempts()) {
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        String failure =
                n.status() + " not delivered after " + properties.webhookAttempts() + " attempts: " + lastError;
        if (failureLogged.add(n.alert().id())) {
            log.warn(
                    "alert webhook {}: {} alert {} ({}): {}",
                    url,
                    n.alert().rule(),
                    n.alert().id(),
                    n.status(),
                    failure);
        }
        record(n, failure);
    }

    private void record(Notification n, String outcome) {
        try {
            deliveries.accept(n.alert().id(), outcome);
        } catch (RuntimeException e) {
            log.debug(
                    "alert webhook: could not record the delivery of alert {}: {}",
                    n.alert().id(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        if (worker != null) {
            worker.interrupt();
        }
    }
}
