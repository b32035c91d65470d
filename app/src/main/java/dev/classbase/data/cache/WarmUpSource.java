package dev.classbase.data.cache;

/**
 * One kind of countable answer (a catalog page, a course): loads, through the cache, the answer a
 * member counted by {@link CachedReads.Read#popular()} names. Runs before the instance is ready,
 * outside any request, so it binds the member's tenant itself.
 */
public interface WarmUpSource {
    String region();

    void warm(String member);
}
