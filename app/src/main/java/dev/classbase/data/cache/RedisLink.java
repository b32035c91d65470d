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
    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> subscription;
    private final AtomicBoolean failing = new AtomicBoolean();

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
        uri.setTimeout(timeout);
        RedisClient client = RedisClient.create(uri);
        try {
            StatefulRedisConnection<String, String> commands = client.connect();
            StatefulRedisPubSubConnection<String, String> subscription = client.connectPubSub();
            subscription.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    onMessage.accept(message);
                }
            });
            subscription.sync().subscribe(CHANNEL);
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
        try {
            commands.sync().set(PREFIX + region + ":" + key, value, args);
            recovered();
        } catch (RuntimeException e) {
            failed("SET", e);
        }
    }

    void publish(String message) {
        try {
            commands.sync().publish(CHANNEL, message);
            recovered();
        } catch (RuntimeException e) {
            failed("PUBLISH", e);
        }
    }

    boolean connected() {
        return commands.isOpen() && subscription.isOpen() && !failing.get();
    }

    private void failed(String command, RuntimeException e) {
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
