package dev.classbase.data.tenancy;

import java.util.OptionalLong;

/**
 * The tenant whose rows this thread may see, bound until {@link #close()}: every transaction begun
 * while bound carries it ({@link TenantBinding}). A thread-local, as a request runs on its own
 * (virtual) thread; closing gives back the binding that was there before, so scopes nest.
 */
public final class TenantScope implements AutoCloseable {
    private static final ThreadLocal<Long> BOUND = new ThreadLocal<>();

    private final Long previous;

    private TenantScope(Long previous) {
        this.previous = previous;
    }

    /** Binds {@code tenantId} to this thread; close the scope to unbind. */
    public static TenantScope bind(long tenantId) {
        Long previous = BOUND.get();
        BOUND.set(tenantId);
        return new TenantScope(previous);
    }

    /** The tenant bound to this thread, if any. */
    public static OptionalLong bound() {
        Long id = BOUND.get();
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** Undoes {@link #bind}: the thread's previous binding, if any, is back. */
    @Override
    public void close() {
        if (previous == null) {
            BOUND.remove();
        } else {
            BOUND.set(previous);
        }
    }
}
