package dev.classbase.platform.sessions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.classbase.data.cache.CacheProperties;
import dev.classbase.web.ApiException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Throttles {@code POST /api/v1/sessions} with Bucket4j token buckets: one per client address
 * (every attempt takes a token) and one per account, the email lower-cased, whether or not it
 * exists (every attempt takes a token, and one whose password was right gets it back, so only
 * failures count). A bucket holds its budget and refills all of it at the end of each window
 * (Bucket4j's intervally refill), so the 11th failure within a window is refused wherever the first
 * ten fell. A refused attempt answers 429 with {@code Retry-After} before any password is checked:
 * its answer and its time say nothing about the account.
 *
 * <p>With {@code classbase.cache.redis-url} the buckets live in Redis (compare-and-swap, keys expire
 * once full again), so every instance spends the same budget; the account's key is the SHA-256 of
 * the email, so no address book sits in Redis. Without Redis, or when it fails, they live in this
 * instance (Caffeine, idle entries dropped after a window); a failure is said once.
 */
@Component
@EnableConfigurationProperties(SignInProperties.class)
class SignInLimiter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SignInLimiter.class);
    private static final String PREFIX = "classbase:sign-in:";
    private static final long LOCAL_ENTRIES = 100_000;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    /** An admitted attempt; {@link #notCounted} gives the account's token back (a right password). */
    interface Attempt {
        void notCounted();
    }

    private enum Kind {
        ACCOUNT,
        ADDRESS
    }

    private final SignInProperties properties;
    private final ClientAddress addresses;
    private final TimeMeter clock;
    private final BucketConfiguration accountLimit;
    private final BucketConfiguration addressLimit;
    private final Cache<String, Bucket> localAccounts;
    private final Cache<String, Bucket> localAddresses;
    private final Counter throttledAccount;
    private final Counter throttledAddress;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, byte[]> redisConnection;
    private final ProxyManager<String> redis;
    private final AtomicBoolean redisFailing = new AtomicBoolean();

    @Autowired
    SignInLimiter(SignInProperties properties, CacheProperties cache, MeterRegistry registry) {
        this(properties, cache.redisUrl(), cache.redisTimeout(), registry, TimeMeter.SYSTEM_MILLISECONDS);
    }

    /** {@code redisUrl} null: in this instance only; {@code clock} is the buckets' time. */
    SignInLimiter(
            SignInProperties properties,
            String redisUrl,
            Duration redisTimeout,
            MeterRegistry registry,
            TimeMeter clock) {
        this.properties = properties;
        this.addresses = new ClientAddress(properties.trustedProxies());
        this.clock = clock;
        this.accountLimit = limit(properties.accountFailures(), properties.window());
        this.addressLimit = limit(properties.addressAttempts(), properties.window());
        this.localAccounts = local(properties.window());
        this.localAddresses = local(properties.window());
        this.throttledAccount = throttled(registry, "account");
        this.throttledAddress = throttled(registry, "address");
        RedisClient client = null;
        StatefulRedisConnection<String, byte[]> connection = null;
        ProxyManager<String> manager = null;
        if (redisUrl != null) {
            RedisURI uri = RedisURI.create(redisUrl);
            // Lettuce bounds the connection's handshake by this timeout too, and the first connection
            // of a JVM loads Netty; each bucket operation is bounded by redisTimeout (requestTimeout)
            uri.setTimeout(redisTimeout.compareTo(CONNECT_TIMEOUT) > 0 ? redisTimeout : CONNECT_TIMEOUT);
            client = RedisClient.create(uri);
            // while disconnected a command fails at once (the limiter goes local) instead of waiting
            // in Lettuce's queue for the timeout on every sign-in
            client.setOptions(ClientOptions.builder()
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
            try {
                connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                manager = Bucket4jLettuce.casBasedBuilder(connection)
                        .clientClock(clock)
                        .requestTimeout(redisTimeout)
                        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                                Duration.ofSeconds(10)))
                        .build();
                log.info("sign-in throttling: buckets shared in Redis at {}:{}", uri.getHost(), uri.getPort());
            } catch (RuntimeException e) {
                log.warn(
                        "sign-in throttling: Redis at {}:{} is not reachable ({}); limits are kept in this instance"
                                + " only",
                        uri.getHost(),
                        uri.getPort(),
                        e.getMessage());
                if (connection != null) {
                    connection.close();
                }
                client.shutdown();
                client = null;
                connection = null;
                manager = null;
            }
        }
        this.redisClient = client;
        this.redisConnection = connection;
        this.redis = manager;
    }

    /**
     * Admits an attempt for {@code email} from the request's client, or throws 429 (address first:
     * a refused address spends nothing of the account's budget).
     */
    Attempt attempt(String email, HttpServletRequest request) {
        return attempt(email, addresses.of(request));
    }

    Attempt attempt(String email, String address) {
        String account = account(email);
        ConsumptionProbe byAddress = withBucket(Kind.ADDRESS, address, b -> b.tryConsumeAndReturnRemaining(1));
        if (!byAddress.isConsumed()) {
            throttledAddress.increment();
            throw refused("Too many sign-in attempts from this address.", byAddress);
        }
        ConsumptionProbe byAccount = withBucket(Kind.ACCOUNT, account, b -> b.tryConsumeAndReturnRemaining(1));
        if (!byAccount.isConsumed()) {
            throttledAccount.increment();
            throw refused("Too many failed sign-ins for this account.", byAccount);
        }
        return () -> withBucket(Kind.ACCOUNT, account, b -> {
            b.addTokens(1);
            return null;
        });
    }

    SignInProperties properties() {
        return properties;
    }

    /** Whether the buckets are in Redis now (false without Redis, or since a command failed). */
    boolean shared() {
        return redis != null && !redisFailing.get();
    }

    private <T> T withBucket(Kind kind, String key, Function<Bucket, T> operation) {
        if (redis != null) {
            try {
                T result = operation.apply(redis.builder()
                        .build(PREFIX + kind.name().toLowerCase(Locale.ROOT) + ":" + key, () -> config(kind)));
                if (redisFailing.compareAndSet(true, false)) {
                    log.info("sign-in throttling: Redis answers again; limits are shared again");
                }
                return result;
            } catch (RuntimeException e) {
                if (redisFailing.compareAndSet(false, true)) {
                    log.warn(
                            "sign-in throttling: Redis failed ({}); limits are kept in this instance until it"
                                    + " answers again",
                            e.toString());
                }
            }
        }
        Cache<String, Bucket> local = kind == Kind.ACCOUNT ? localAccounts : localAddresses;
        return operation.apply(local.get(
                key,
                k -> Bucket.builder()
                        .addLimit(config(kind).getBandwidths()[0])
                        .withCustomTimePrecision(clock)
                        .build()));
    }

    private BucketConfiguration config(Kind kind) {
        return kind == Kind.ACCOUNT ? accountLimit : addressLimit;
    }

    private static BucketConfiguration limit(int budget, Duration window) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(budget)
                        .refillIntervally(budget, window)
                        .build())
                .build();
    }

    /** Idle for a window, a bucket is full again: forgetting it then loses nothing. */
    private static Cache<String, Bucket> local(Duration window) {
        return Caffeine.newBuilder()
                .expireAfterAccess(window)
                .maximumSize(LOCAL_ENTRIES)
                .build();
    }

    private static Counter throttled(MeterRegistry registry, String reason) {
        return Counter.builder("classbase.sign_in.throttled")
                .tag("reason", reason)
                .description("Sign-in attempts refused (429) before any password check, by the budget spent")
                .register(registry);
    }

    private static ApiException refused(String why, ConsumptionProbe probe) {
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        return ApiException.tooManyRequests(why + " Try again in " + seconds + " s.", seconds);
    }

    /** The email as the account's key: trimmed, lower-cased, then SHA-256 (hex). */
    static String account(String email) {
        String normalised = email.trim().toLowerCase(Locale.ROOT);
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256").digest(normalised.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public void close() {
        if (redisConnection != null) {
            redisConnection.close();
        }
        if (redisClient != null) {
            redisClient.shutdown();
        }
    }
}
