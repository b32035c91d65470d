package dev.classbase.data.consistency;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Where this thread's reads may go and where they went: the caller's consistency token, a forced
 * primary, the WAL position of the last write. One per request (set by {@link ConsistencyFilter})
 * or per unit of work; virtual threads make a thread-local the natural carrier.
 */
public final class ReadContext {
    /** What the caller's token said. */
    public enum Token {
        NONE,
        VALID,
        MALFORMED
    }

    private static final ThreadLocal<ReadContext> CURRENT = ThreadLocal.withInitial(ReadContext::new);

    private Token token = Token.NONE;
    private Lsn requiredLsn;
    private Lsn lastWriteLsn;
    private int forcedPrimary;
    private boolean primaryFetched;
    private String lastReadTarget;
    private final Set<String> readTargets = new LinkedHashSet<>();

    public static ReadContext current() {
        return CURRENT.get();
    }

    /** Starts a fresh context for a request carrying {@code tokenText} (may be null). */
    static ReadContext begin(String tokenText) {
        ReadContext context = new ReadContext();
        if (tokenText != null && !tokenText.isBlank()) {
            var lsn = Lsn.parse(tokenText.trim());
            context.token = lsn.isPresent() ? Token.VALID : Token.MALFORMED;
            context.requiredLsn = lsn.orElse(null);
        }
        CURRENT.set(context);
        return context;
    }

    static void end() {
        CURRENT.remove();
    }

    public Token token() {
        return token;
    }

    public Lsn requiredLsn() {
        return requiredLsn;
    }

    /** The WAL position at or after this request's last commit, for the response's token. */
    public Lsn lastWriteLsn() {
        return lastWriteLsn;
    }

    void recordWrite(Lsn lsn) {
        lastWriteLsn = Lsn.max(lastWriteLsn, lsn);
        // later reads in the same request must see this write too
        requiredLsn = Lsn.max(requiredLsn, lsn);
        if (token == Token.NONE) {
            token = Token.VALID;
        }
    }

    /**
     * Later reads of this request must see at least this position, like a token it carried: a
     * cached answer invalidated by a write at that position must not be reloaded from a replica
     * that has not replayed the write yet.
     */
    public void require(Lsn lsn) {
        if (lsn != null && token != Token.MALFORMED) {
            requiredLsn = Lsn.max(requiredLsn, lsn);
            if (token == Token.NONE) {
                token = Token.VALID;
            }
        }
    }

    public boolean forcedPrimary() {
        return forcedPrimary > 0;
    }

    public void pushForcedPrimary() {
        forcedPrimary++;
    }

    public void popForcedPrimary() {
        forcedPrimary--;
    }

    void primaryFetched(boolean fetched) {
        primaryFetched = fetched;
    }

    public boolean primaryFetched() {
        return primaryFetched;
    }

    public void noteRead(String target) {
        lastReadTarget = target;
        readTargets.add(target);
    }

    public String lastReadTarget() {
        return lastReadTarget;
    }

    /** Where this request's reads went, e.g. {@code replica1} or {@code primary (token-not-replayed)}. */
    public Set<String> readTargets() {
        return readTargets;
    }
}
