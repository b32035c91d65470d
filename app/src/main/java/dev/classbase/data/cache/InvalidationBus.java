package dev.classbase.data.cache;

/**
 * Tells every instance that a cached entry is no longer true. Locally it is a method call; with
 * Redis it is a pub/sub message on {@link RedisLink#CHANNEL}. Delivery over Redis is at most once
 * (pub/sub keeps nothing for a disconnected subscriber), which is why every entry also has a time
 * to live: a lost message costs staleness up to that bound, never forever.
 */
public interface InvalidationBus {
    /** Called for each invalidation, from this instance or another. */
    @FunctionalInterface
    interface Listener {
        /** {@code key} null: the whole region. */
        void invalidated(String region, String key);
    }

    /** Invalidates here at once, then tells the other instances. */
    void publish(String region, String key);

    void subscribe(Listener listener);

    /** True when other instances hear this bus (Redis connected). */
    boolean shared();
}
