package dev.classbase.data;

import java.util.function.Supplier;

/**
 * The data tier's API for features. Reads inside {@code @Transactional(readOnly = true)} go to a
 * caught-up replica on their own; this class covers the rare exception.
 */
public final class DataTier {
    private DataTier() {}

    /**
     * Runs {@code work} with every read on the primary: for the rare read that must be fresh
     * beyond read-your-writes (for example, a balance checked right before a decision). Start the
     * transaction inside {@code work}.
     */
    public static <T> T onPrimary(Supplier<T> work) {
        ReadContext context = ReadContext.current();
        context.pushForcedPrimary();
        try {
            return work.get();
        } finally {
            context.popForcedPrimary();
        }
    }

    /**
     * Binds the tenant whose rows this thread may see: every transaction begun while bound sets
     * {@code app.tenant_id} for itself ({@code set_config(..., true)}, like SET LOCAL), which the
     * row-level security policies read; a read transaction sends it with its first statement, a
     * write at its start. Transaction scoped, so it is safe behind PgBouncer in transaction mode.
     * Close to unbind.
     */
    public static TenantBinding bindTenant(long tenantId) {
        ReadContext context = ReadContext.current();
        Long previous = context.tenantId();
        context.tenantId(tenantId);
        return () -> context.tenantId(previous);
    }

    /** The tenant bound to this thread, if any. */
    public static java.util.OptionalLong boundTenant() {
        Long id = ReadContext.current().tenantId();
        return id == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(id);
    }

    /** Undoes {@link #bindTenant}. */
    @FunctionalInterface
    public interface TenantBinding extends AutoCloseable {
        @Override
        void close();
    }

    /** Where the current request's reads went so far. */
    public static java.util.Set<String> readTargets() {
        return ReadContext.current().readTargets();
    }
}
