package dev.classbase.data.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.RedisProcess;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The two-level cache against a real Redis: two {@link Caches} stand for two app instances. */
class TieredCacheTests {
    private static RedisProcess redis;

    /** A value with a deadline, as a session is. */
    record Entry(String text, Instant until) {}

    static final class Codec implements TieredCache.Codec<Entry> {
        @Override
        public String encode(Entry e) {
            return e.until().toEpochMilli() + "|" + e.text();
        }

        @Override
        public Entry decode(String s) {
            String[] f = s.split("\\|", 2);
            return new Entry(f[1], Instant.ofEpochMilli(Long.parseLong(f[0])));
        }
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-30T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static CacheProperties withRedis() {
        return new CacheProperties(true, redis.url(), Duration.ofSeconds(30), 1000, Duration.ofSeconds(1));
    }

    private static TieredCache<Entry> region(Caches caches, String name) {
        return caches.region(name, Duration.ofSeconds(30), new Codec(), Entry::until)
                .orElseThrow();
    }

    @Test
    void anEntryLivesNoLongerThanItsDeadlineAndMissesAreNotCached() {
        TestClock clock = new TestClock();
        try (Caches caches = new Caches(CacheProperties.defaults(), clock, null)) {
            TieredCache<Entry> cache = region(caches, "deadline");
            AtomicInteger loads = new AtomicInteger();
            Entry soon = new Entry("a", clock.instant().plusSeconds(5));

            assertThat(cache.get("k", k -> {
                        loads.incrementAndGet();
                        return Optional.of(soon);
                    }))
                    .contains(soon);
            assertThat(cache.get("k", k -> Optional.empty())).contains(soon);
            assertThat(loads).hasValue(1);

            clock.advance(Duration.ofSeconds(6)); // past the entry's own deadline, well within the ttl
            assertThat(cache.get("k", k -> Optional.empty())).isEmpty();

            for (int i = 0; i < 3; i++) {
                cache.get("unknown", k -> {
                    loads.incrementAndGet();
                    return Optional.empty();
                });
            }
            assertThat(loads)
                    .as("every lookup of an unknown key asks the loader")
                    .hasValue(4);
            assertThat(cache.stats().l1Hits()).isEqualTo(1);
        }
    }

    @Test
    void anotherInstanceReadsL2AndHearsTheInvalidation() throws InterruptedException {
        try (Caches a = new Caches(withRedis(), Clock.systemUTC(), null);
                Caches b = new Caches(withRedis(), Clock.systemUTC(), null)) {
            assertThat(a.shared()).isTrue();
            TieredCache<Entry> onA = region(a, "shared");
            TieredCache<Entry> onB = region(b, "shared");
            Entry value = new Entry(
                    "token of one user",
                    Instant.now().plusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));

            onA.put("k", value);
            assertThat(onB.get("k", k -> {
                        throw new AssertionError("L2 should answer");
                    }))
                    .contains(value);
            assertThat(onB.stats().l2Hits()).isEqualTo(1);
            assertThat(onB.get("k", k -> Optional.empty())).as("now in B's L1").contains(value);

            onA.invalidate("k");
            // B drops its L1 entry when the message arrives; its next lookup asks the database
            Object gone = Await.until(Duration.ofSeconds(10), () -> onB.stats().size() == 0 ? Boolean.TRUE : null);
            assertThat(gone).as("B heard the invalidation").isNotNull();
            assertThat(onB.get("k", k -> Optional.empty())).isEmpty();
        }
    }

    @Test
    void aLoadThatReadTheOldValueCannotPutItBackInL2() {
        try (Caches a = new Caches(withRedis(), Clock.systemUTC(), null);
                Caches b = new Caches(withRedis(), Clock.systemUTC(), null);
                Caches c = new Caches(withRedis(), Clock.systemUTC(), null)) {
            TieredCache<Entry> onA = region(a, "race");
            TieredCache<Entry> onB = region(b, "race");
            TieredCache<Entry> onC = region(c, "race");
            Entry old = new Entry(
                    "signed out", Instant.now().plusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));

            onA.invalidate("k"); // the sign-out: database row gone, tombstone in L2
            // B's load had read the database just before the delete committed
            assertThat(onB.get("k", k -> Optional.of(old))).contains(old);
            // C must not be served B's stale value from L2: it asks the database, which says no
            assertThat(onC.get("k", k -> Optional.empty())).isEmpty();
        }
    }

    @Test
    void withoutRedisTheCacheWorksInThisInstanceAndSaysSo() {
        CacheProperties unreachable =
                new CacheProperties(true, "redis://127.0.0.1:1", Duration.ofSeconds(30), 1000, Duration.ofMillis(200));
        try (Caches caches = new Caches(unreachable, Clock.systemUTC(), null)) {
            assertThat(caches.shared()).isFalse();
            TieredCache<Entry> cache = region(caches, "local");
            Entry value =
                    new Entry("v", Instant.now().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
            assertThat(cache.get("k", k -> Optional.of(value))).contains(value);
            assertThat(cache.get("k", k -> Optional.empty())).contains(value);
            cache.invalidate("k");
            assertThat(cache.get("k", k -> Optional.empty())).isEmpty();
        }
    }

    @Test
    void disabledMeansNoRegion() {
        try (Caches caches = new Caches(new CacheProperties(false, null, null, 0, null), Clock.systemUTC(), null)) {
            assertThat(caches.region("x", Duration.ofSeconds(1), new Codec(), Entry::until))
                    .isEmpty();
        }
    }
}
