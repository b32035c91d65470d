package dev.classbase.data;

import dev.classbase.data.consistency.ReadContext;
import dev.classbase.data.tenancy.TenantScope;
import java.util.OptionalLong;
import java.util.Set;
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
    public static TenantScope bindTenant(long tenantId) {
        return TenantScope.bind(tenantId);
    }

    /** The tenant bound to this thread, if any. */
    public static OptionalLong boundTenant() {
        return TenantScope.bound();
    }

    /**
     * Whether {@code error} says the server could not be reached or is going away (SQLSTATE class
     * 08, connection exception, or 57P, operator intervention; or no pool connection within the
     * pool's timeout), not that the statement was at fault (PostgreSQL manual, Appendix A).
     */
    public static boolean serverUnavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException) {
                return true;
            }
        }
        String state = SqlStates.of(error);
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    /** Where the current request's reads went so far. */
    public static Set<String> readTargets() {
        return ReadContext.current().readTargets();
    }
}
