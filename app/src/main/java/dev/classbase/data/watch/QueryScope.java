package dev.classbase.data.watch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The statements of one unit of work on one thread: an HTTP request, a job, a CLI command or a
 * test's measured block. Opened by {@link QueryWatch#scope(String)}, closed in {@code finally} (or
 * try-with-resources). Scopes nest; a statement counts in its scope and every enclosing one, so a
 * test measuring around a request sees the request's statements.
 *
 * <p>Counting happens on the owning thread; the counts may be read from another (the response
 * writer of a streamed body), hence the concurrent collections.
 */
public final class QueryScope implements AutoCloseable {
    private static final ThreadLocal<QueryScope> CURRENT = new ThreadLocal<>();
    /** The comment of a request's statements before its route is known. */
    static final String UNROUTED = "request:before-routing";

    private static final String UNROUTED_COMMENT = "/* " + UNROUTED + " */ ";

    private final QueryScope parent;
    private final Supplier<String> resolver;
    private volatile String name;
    private volatile String comment;
    private final AtomicInteger statements = new AtomicInteger();
    private final Map<String, Integer> shapes = new ConcurrentHashMap<>();
    private final Set<String> flagged = ConcurrentHashMap.newKeySet();
    private final List<NPlusOne> nPlusOnes = new CopyOnWriteArrayList<>();
    private final List<Integer> transactions = new CopyOnWriteArrayList<>();

    private QueryScope(QueryScope parent, String name, Supplier<String> resolver) {
        this.parent = parent;
        this.resolver = resolver;
        rename(name);
    }

    /** Opens a scope on this thread; {@code resolver} names it later, once it can (a request's route). */
    static QueryScope open(String name, Supplier<String> resolver) {
        QueryScope scope = new QueryScope(CURRENT.get(), name, resolver);
        CURRENT.set(scope);
        return scope;
    }

    static QueryScope current() {
        return CURRENT.get();
    }

    /** The name, such as {@code route:GET /api/v1/courses/{id}} or {@code job:refresh-views}; may be null. */
    public String name() {
        if (name == null && resolver != null) {
            rename(resolver.get());
        }
        return name;
    }

    /** The name for logs and metric tags: the route pattern or job name, {@code none} if unnamed. */
    public String route() {
        String label = label();
        if (label == null) {
            return "none";
        }
        return label.startsWith("route:") ? label.substring("route:".length()) : label;
    }

    /** Statements run in this scope (a JDBC batch is one). */
    public int statements() {
        return statements.get();
    }

    /** Executions per shape, most frequent first. */
    public Map<String, Integer> shapes() {
        Map<String, Integer> sorted = new LinkedHashMap<>();
        shapes.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** The N+1 patterns found in this scope, each shape once. */
    public List<NPlusOne> nPlusOnes() {
        return List.copyOf(nPlusOnes);
    }

    /** Statements per transaction ended (commit or rollback) in this scope, in order. */
    public List<Integer> transactions() {
        return List.copyOf(transactions);
    }

    @Override
    public void close() {
        if (CURRENT.get() == this) {
            if (parent == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(parent);
            }
        }
    }

    void rename(String newName) {
        if (newName != null) {
            String clean = RouteComment.sanitise(newName);
            comment = "/* " + clean + " */ ";
            name = clean;
        }
    }

    /**
     * The comment for statements of this scope: its own name, else the nearest enclosing one's. A
     * request whose route is not chosen yet (authentication runs before the handler mapping) says
     * so, {@value #UNROUTED}: those statements are every route's, not the first one's to run them.
     */
    String comment() {
        for (QueryScope s = this; s != null; s = s.parent) {
            if (s.name() != null) {
                return s.comment;
            }
            if (s.resolver != null) {
                return UNROUTED_COMMENT;
            }
        }
        return null;
    }

    /**
     * Counts one execution here and in every enclosing scope.
     *
     * @return the scopes, innermost first, in which this execution made the shape an N+1
     */
    List<QueryScope> record(String shape, int threshold) {
        List<QueryScope> crossed = List.of();
        for (QueryScope s = this; s != null; s = s.parent) {
            s.statements.incrementAndGet();
            int count = s.shapes.merge(shape, 1, Integer::sum);
            if (count > threshold && s.flagged.add(shape)) {
                if (crossed.isEmpty()) {
                    crossed = new ArrayList<>(2);
                }
                crossed.add(s);
            }
        }
        return crossed;
    }

    void flag(NPlusOne found) {
        nPlusOnes.add(found);
    }

    void transactionEnded(int statementCount) {
        for (QueryScope s = this; s != null; s = s.parent) {
            s.transactions.add(statementCount);
        }
    }

    private String label() {
        for (QueryScope s = this; s != null; s = s.parent) {
            String n = s.name();
            if (n != null) {
                return n;
            }
        }
        return null;
    }
}
