package dev.classbase.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A bound on requests in progress: past it a request gets 503 problem+json with Retry-After within
 * {@code max-wait}, instead of queueing for a pool connection until its timeout. With virtual threads
 * nothing else bounds the work in flight, so without it an overload turns into every request
 * waiting out HikariCP's connection timeout (a timeout storm); with it, accepted requests keep the
 * latency of a loaded but not overloaded instance (the "concurrency limit" of Netflix's
 * concurrency-limits, here a fixed one). Writes (every method but GET, HEAD and OPTIONS) may hold
 * only {@code write-share} of the slots: a bulkhead, so that writes waiting on a primary that cannot
 * be reached leave room for the reads replicas serve. The health probes are never limited: a load
 * balancer must see a busy instance as ready.
 */
final class ConcurrencyLimitFilter extends OncePerRequestFilter {
    /**
     * Requests per database connection: some requests use none (cached answers, sign-in checks from
     * the cache), and a connection is held only for a request's statements, not its whole life.
     */
    static final int PER_CONNECTION = 4;

    private static final String HEALTH = "/actuator/health";

    private final Semaphore slots;
    private final int limit;
    private final Semaphore writeSlots;
    private final int writeLimit;
    private final long maxWaitNanos;
    private final long retryAfterSeconds;
    private final ProblemResponses problems;
    private final java.util.concurrent.atomic.LongAdder shed = new java.util.concurrent.atomic.LongAdder();

    ConcurrencyLimitFilter(int limit, ConcurrencyProperties properties, ProblemResponses problems) {
        this.limit = limit;
        this.slots = new Semaphore(limit);
        this.writeLimit = properties.writeLimit(limit);
        this.writeSlots = new Semaphore(writeLimit);
        this.maxWaitNanos = properties.maxWait().toNanos();
        this.retryAfterSeconds = properties.retryAfter().toSeconds();
        this.problems = problems;
    }

    int limit() {
        return limit;
    }

    /** Requests answered 503 since start. */
    long shed() {
        return shed.sum();
    }

    int inProgress() {
        return limit - slots.availablePermits();
    }

    int writeLimit() {
        return writeLimit;
    }

    private static boolean read(HttpServletRequest request) {
        String method = request.getMethod();
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.equals(HEALTH) || path.startsWith(HEALTH + "/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean write = !read(request);
        if (write && !acquire(writeSlots)) {
            shed(request, response, writeLimit, "writes");
            return;
        }
        if (!acquire(slots)) {
            if (write) {
                writeSlots.release();
            }
            shed(request, response, limit, "requests");
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            slots.release();
            if (write) {
                writeSlots.release();
            }
        }
    }

    private boolean acquire(Semaphore semaphore) {
        try {
            return semaphore.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void shed(HttpServletRequest request, HttpServletResponse response, int bound, String what)
            throws IOException {
        shed.increment();
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("retryAfter", retryAfterSeconds);
        props.put("limit", bound);
        problems.write(
                request,
                response,
                new ApiException(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "Overloaded",
                        "this instance is serving its limit of " + bound + " " + what + " at once; retry after "
                                + retryAfterSeconds + " s",
                        props),
                headers);
    }
}
