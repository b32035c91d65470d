package dev.classbase.data.cache;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's connection to Redis: one command connection (L2 reads and writes, publishing) and one
 * subscription (the invalidation bus). Lettuce reconnects both and subscribes again by itself. Every
 * command is bounded by the configured timeout; a failure is said once, and the caller carries on
 * without Redis until a command succeeds again.
 */
final class RedisLink implements AutoCloseable {
    static final String CHANNEL = "classbase:cache:invalidate";
    private static final String PREFIX = "classbase:cache:";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> subscription;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong lastProbe = new java.util.concurrent.atomic.AtomicLong();
    private static final long PROBE_EVERY_NANOS = 1_000_000_000L;

    private RedisLink(
            RedisClient client,
            StatefulRedisConnection<String, String> commands,
            StatefulRedisPubSubConnection<String, String> subscription) {
        this.client = client;
        this.commands = commands;
        this.subscription = subscription;
    }

    /** Connects and subscribes; empty (said once) when Redis cannot be reached now. */
    static Optional<RedisLink> connect(String url, Duration timeout, Consumer<String> onMessage) {
        RedisURI uri = RedisURI.create(url);
        // connecting happens once, at start, off the request path: it may take longer than a command
        uri.setTimeout(CONNECT_TIMEOUT.compareTo(timeout) > 0 ? CONNECT_TIMEOUT : timeout);
        RedisClient client = RedisClient.create(uri);
        try {
            StatefulRedisConnection<String, String> commands = client.connect();
            commands.setTimeout(timeout);
            StatefulRedisPubSubConnection<String, String> subscription = client.connectPubSub();
            subscription.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    onMessage.accept(message);
                }
            });
            subscription.sync().subscribe(CHANNEL);
            subscription.setTimeout(timeout);
            log.info("cache: L2 and invalidation bus on Redis at {}", redacted(uri));
            return Optional.of(new RedisLink(client, commands, subscription));
        } catch (RuntimeException e) {
            log.warn(
                    "cache: Redis at {} is not reachable ({}); caching in this instance only, sign-outs reach"
                            + " other instances within classbase.cache.session-ttl",
                    redacted(uri),
                    e.getMessage());
            client.shutdown();
            return Optional.empty();
        }
    }

    Optional<String> get(String region, String key) {
        if (!worthTrying()) {
            return Optional.empty();
        }
        try {
            String value = commands.sync().get(PREFIX + region + ":" + key);
            recovered();
            return Optional.ofNullable(value);
        } catch (RuntimeException e) {
            failed("GET", e);
            return Optional.empty();
        }
    }

    /** {@code onlyIfAbsent}: never overwrites a tombstone left by an invalidation. */
    void set(String region, String key, String value, Duration ttl, boolean onlyIfAbsent) {
        SetArgs args = SetArgs.Builder.px(Math.max(1, ttl.toMillis()));
        if (onlyIfAbsent) {
            args.nx();
        }
        if (!worthTrying()) {
            return;
        }
        try {
            commands.sync().set(PREFIX + region + ":" + key, value, args);
            recovered();
        } catch (RuntimeException e) {
            failed("SET", e);
        }
    }

    void publish(String message) {
        if (!worthTrying()) {
            return;
        }
        try {
            commands.sync().publish(CHANNEL, message);
            recovered();
        } catch (RuntimeException e) {
            failed("PUBLISH", e);
        }
    }

    /**
     * Keys outside the regions' namespace (tag generations), one answer per key; null when Redis did
     * not answer (unknown, unlike a missing key).
     */
    java.util.List<Optional<String>> mget(java.util.List<String> keys) {
        if (!worthTrying()) {
            return null;
        }
        try {
            var values = commands.sync().mget(keys.stream().map(k -> PREFIX + k).toArray(String[]::new));
            recovered();
            return values.stream()
                    .map(kv -> kv.hasValue() ? Optional.of(kv.getValue()) : Optional.<String>empty())
                    .toList();
        } catch (RuntimeException e) {
            failed("MGET", e);
            return null;
        }
    }

    /** Like {@link #set} for a key outside the regions; false when Redis did not take it. */
    boolean setRaw(String key, String value, Duration ttl) {
        if (!worthTrying()) {
            return false;
        }
        try {
            commands.sync().set(PREFIX + key, value, SetArgs.Builder.px(Math.max(1, ttl.toMillis())));
            recovered();
            return true;
        } catch (RuntimeException e) {
            failed("SET", e);
            return false;
        }
    }

    /** Counts one request for {@code member} without waiting for the answer (a popularity count, not data). */
    void countAsync(String key, String member, Duration ttl) {
        if (!worthTrying()) {
            return;
        }
        var async = commands.async();
        async.zincrby(PREFIX + key, 1, member);
        async.pexpire(PREFIX + key, ttl.toMillis());
    }

    /** The {@code n} members counted most under {@code key}, most first; empty when Redis does not answer. */
    java.util.List<String> top(String key, int n) {
        if (!worthTrying() || n <= 0) {
            return java.util.List.of();
        }
        try {
            var members = commands.sync().zrevrange(PREFIX + key, 0, n - 1);
            recovered();
            return members;
        } catch (RuntimeException e) {
            failed("ZREVRANGE", e);
            return java.util.List.of();
        }
    }

    /** The keys matching a pattern under the prefix, by SCAN (never KEYS), at most {@code limit}. */
    java.util.List<String> scan(String pattern, int limit) {
        if (!worthTrying()) {
            return java.util.List.of();
        }
        try {
            java.util.List<String> found = new java.util.ArrayList<>();
            io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
            io.lettuce.core.ScanArgs args =
                    io.lettuce.core.ScanArgs.Builder.matches(PREFIX + pattern).limit(500);
            do {
                var page = commands.sync().scan(cursor, args);
                for (String key : page.getKeys()) {
                    found.add(key.substring(PREFIX.length()));
                }
                cursor = page;
            } while (!cursor.isFinished() && found.size() < limit);
            recovered();
            return found;
        } catch (RuntimeException e) {
            failed("SCAN", e);
            return java.util.List.of();
        }
    }

    /**
     * False while Redis is failing, except for one probe per second: a dead or slow Redis then costs
     * one command timeout per second on this instance instead of one per request.
     */
    boolean worthTrying() {
        if (!failing.get()) {
            return commands.isOpen();
        }
        long now = System.nanoTime();
        long last = lastProbe.get();
        return now - last >= PROBE_EVERY_NANOS && lastProbe.compareAndSet(last, now);
    }

    boolean connected() {
        return commands.isOpen() && subscription.isOpen() && !failing.get();
    }

    private void failed(String command, RuntimeException e) {
        lastProbe.set(System.nanoTime());
        if (failing.compareAndSet(false, true)) {
            log.warn(
                    "cache: Redis {} failed ({}); going to the database until Redis answers again",
                    command,
                    e.getMessage());
        }
    }

    private void recovered() {
        if (failing.compareAndSet(true, false)) {
            log.info("cache: Redis answers again");
        }
    }

    private static String redacted(RedisURI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }

    @Override
    public void close() {
        subscription.close();
        commands.close();
        client.shutdown();
    }
}
