package dev.classbase.ops.alerts;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real webhook receiver for the tests: the JDK's HTTP server on a free port. It answers 503 to
 * the first {@code failFirst} requests, then 200, and keeps every body it accepted.
 */
final class WebhookReceiver implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final BlockingQueue<JsonNode> accepted = new LinkedBlockingQueue<>();
    private final AtomicInteger failFirst = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            int status = failFirst.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 200;
            if (status == 200) {
                accepted.add(JSON.readTree(body));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    void failFirst(int n) {
        failFirst.set(n);
    }

    int requests() {
        return requests.get();
    }

    /** The next accepted notification about the rule, or null when none comes within the timeout. */
    JsonNode next(String rule, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode n = accepted.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (n == null || rule.equals(n.path("rule").asString())) {
                return n;
            }
        }
    }

    /** Notifications about the rule accepted so far and not yet taken. */
    long pending(String rule) {
        return accepted.stream()
                .filter(n -> rule.equals(n.path("rule").asString()))
                .count();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
