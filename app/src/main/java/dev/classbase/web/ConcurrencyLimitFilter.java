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
 * concurrency-limits, here a fixed one). The health probes are never limited: a load balancer must
 * see a busy instance as ready.
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
    private final long maxWaitNanos;
    private final long retryAfterSeconds;
    private final ProblemResponses problems;
    private final java.util.concurrent.atomic.LongAdder shed = new java.util.concurrent.atomic.LongAdder();

    ConcurrencyLimitFilter(int limit, ConcurrencyProperties properties, ProblemResponses problems) {
        this.limit = limit;
        this.slots = new Semaphore(limit);
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

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.equals(HEALTH) || path.startsWith(HEALTH + "/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean acquired;
        try {
            acquired = slots.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            shed.increment();
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("retryAfter", retryAfterSeconds);
            props.put("limit", limit);
            problems.write(
                    request,
                    response,
                    new ApiException(
                            HttpStatus.SERVICE_UNAVAILABLE,
                            "Overloaded",
                            "this instance is serving its limit of " + limit + " requests at once; retry after "
                                    + retryAfterSeconds + " s",
                            props),
                    headers);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            slots.release();
        }
    }
}
