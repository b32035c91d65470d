package dev.classbase.data.cache;

import dev.classbase.data.consistency.Lsn;
import dev.classbase.data.consistency.ReadContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Tags of cached answers as generations: every tag ({@code course:1:42}, {@code tenant:1:catalog},
 * {@code user:1:24}) has a current generation, a cached answer's key holds the generations of its
 * tags, and invalidating a tag gives it a new generation, so every answer keyed by the old one is
 * never read again (it ages out of L1 and Redis by its time to live). Nothing is deleted, so there
 * is no race between a load and an invalidation: a load that read the database before a write
 * stores its answer under the generation it began with, which nobody asks for once the write's new
 * generation is known. (A tag set per tag in Redis would need the set and the entry written
 * atomically, and a load racing an invalidation could add its stale key after the set was cleared.)
 *
 * <p>Generations live in Redis ({@code classbase:cache:tag:<tag>}, random values, kept twice the
 * longest region lifetime) and in each instance, which learns a new one from the invalidation bus
 * at once and otherwise asks Redis again after {@link #RECHECK}: a lost pub/sub message costs at
 * most that much staleness. A generation is bumped only after the writing transaction commits.
 */
public final class CacheTags {
    /** How long an instance trusts the generation it knows without asking Redis again. */
    static final Duration RECHECK = Duration.ofSeconds(5);

    static final String BUS_REGION = "#tag";
    private static final String UNKNOWN = "0";

    /** A generation and the WAL position of the write that made it (null when unknown). */
    private record Known(String generation, Lsn written, long checkedAt) {
        static Known parse(String text, long now) {
            int at = text.indexOf('@');
            return at < 0
                    ? new Known(text, null, now)
                    : new Known(
                            text.substring(0, at),
                            Lsn.parse(text.substring(at + 1)).orElse(null),
                            now);
        }

        String text() {
            return written == null ? generation : generation + "@" + written;
        }
    }

    /**
     * The generations of a read's tags and the latest WAL position of the writes that made them:
     * an answer is loaded only where that position is replayed, so a replica behind the write
     * cannot put the old answer under the new generation.
     */
    record Current(List<String> generations, Lsn written) {}

    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final Supplier<RedisLink> redis;
    private final InvalidationBus bus;
    private final Duration keep;
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    CacheTags(Supplier<RedisLink> redis, InvalidationBus bus, Duration longestTtl, MeterRegistry meters) {
        this.redis = redis;
        this.bus = bus;
        this.keep = longestTtl.multipliedBy(2);
        this.meters = meters;
        bus.subscribe((region, key) -> {
            if (BUS_REGION.equals(region) && key != null) {
                int eq = key.lastIndexOf('=');
                if (eq > 0) {
                    known.put(key.substring(0, eq), Known.parse(key.substring(eq + 1), System.nanoTime()));
                }
            }
        });
    }

    /** The current generation of each tag, in order, and the position of the latest write among them. */
    Current current(List<String> tags) {
        long now = System.nanoTime();
        RedisLink link = redis.get();
        List<String> stale = new ArrayList<>();
        for (String tag : tags) {
            Known k = known.get(tag);
            if (k == null || (link != null && now - k.checkedAt() > RECHECK.toNanos())) {
                stale.add(tag);
            }
        }
        if (!stale.isEmpty()) {
            List<java.util.Optional<String>> fromRedis = link == null
                    ? null
                    : link.mget(stale.stream().map(t -> "tag:" + t).toList());
            for (int i = 0; i < stale.size(); i++) {
                String tag = stale.get(i);
                if (fromRedis != null) {
                    known.put(tag, Known.parse(fromRedis.get(i).orElse(UNKNOWN), now));
                } else {
                    // Redis did not answer: keep what this instance knows (its own bus keeps it current)
                    known.compute(tag, (t, k) -> k == null ? new Known(UNKNOWN, null, now) : k);
                }
            }
        }
        List<String> generations = new ArrayList<>(tags.size());
        Lsn written = null;
        for (String tag : tags) {
            Known k = known.get(tag);
            generations.add(k.generation());
            written = Lsn.max(written, k.written());
        }
        return new Current(generations, written);
    }

    /**
     * Invalidates every answer carrying one of these tags, on this instance, in Redis and on every
     * other instance: after the current transaction commits (never if it rolls back), or at once
     * outside a transaction.
     */
    public void invalidateAfterCommit(Collection<String> tags) {
        Set<String> copy = new LinkedHashSet<>(tags);
        if (copy.isEmpty()) {
            return;
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    invalidateNow(copy);
                }
            });
        } else {
            invalidateNow(copy);
        }
    }

    public void invalidateAfterCommit(String... tags) {
        invalidateAfterCommit(List.of(tags));
    }

    /** Gives each tag a new generation now; callers inside a transaction use {@link #invalidateAfterCommit}. */
    public void invalidateNow(Collection<String> tags) {
        RedisLink link = redis.get();
        // after a commit the transaction manager has recorded the commit's position on this thread
        Lsn written = ReadContext.current().lastWriteLsn();
        for (String tag : tags) {
            Known k = new Known(
                    Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36), written, System.nanoTime());
            known.put(tag, k);
            if (link != null) {
                link.setRaw("tag:" + tag, k.text(), keep);
            }
            bus.publish(BUS_REGION, tag + "=" + k.text());
            count(tag);
        }
    }

    private void count(String tag) {
        if (meters == null) {
            return;
        }
        // by the tag's kind (course, user, tenant catalog): a tag spans regions, and ids would explode the series
        String kind = family(tag);
        counters.computeIfAbsent(
                        kind,
                        k -> Counter.builder("classbase.cache.invalidations")
                                .description("tags invalidated (every region's answers carrying them)")
                                .tag("tag", k)
                                .register(meters))
                .increment();
    }

    static String family(String tag) {
        String[] parts = tag.split(":");
        return parts.length >= 3 && parts[0].equals("tenant") ? "tenant-" + parts[2] : parts[0];
    }

    /** Tag of one course's answers (detail, progress in it). */
    public static String course(long tenant, long course) {
        return "course:" + tenant + ":" + course;
    }

    /** Tag of every catalog page of a tenant. */
    public static String catalog(long tenant) {
        return "tenant:" + tenant + ":catalog";
    }

    /** Tag of one user's answers (profile, enrollments, progress, streak, exercise lists). */
    public static String user(long tenant, long user) {
        return "user:" + tenant + ":" + user;
    }

    /** Tag of a tenant's dashboard answers. */
    public static String analytics(long tenant) {
        return "tenant:" + tenant + ":analytics";
    }
}
