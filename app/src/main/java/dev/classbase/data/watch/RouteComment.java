package dev.classbase.data.watch;

import dev.classbase.data.tenancy.TenantBinding;
import java.sql.CallableStatement;
import net.ttddyy.dsproxy.transform.QueryTransformer;
import net.ttddyy.dsproxy.transform.TransformInfo;

/**
 * Prefixes every statement with a comment naming the scope's route or job, so pg_stat_activity and
 * pg_stat_statements can attribute a query to an endpoint (the sqlcommenter idea). The name is a
 * route pattern or a job name, never a request value, so a statement's text is the same on every
 * request of its route and pgjdbc's server-side prepared statements stay reusable.
 *
 * <p>pg_stat_statements ignores comments when it computes a statement's queryid and keeps the text
 * of the entry's first execution (PostgreSQL manual, pg_stat_statements: "queries that are
 * semantically equivalent ... are combined"): a statement several routes run is one entry, with the
 * comment of whichever ran it first. So the tenant binding, which every transaction of every route
 * runs, carries a comment of its own, {@value #BINDING}, never a route's; in a read's text that
 * sends the binding with the first statement, the statement after it carries the route, as it
 * would on its own.
 */
final class RouteComment implements QueryTransformer {
    // a comment is for people reading pg_stat_activity; a long one only wastes track_activity_query_size
    private static final int MAX_LENGTH = 120;
    /** The name of the tenant binding in SQL comments: data tier infrastructure, not an endpoint's. */
    static final String BINDING = "data:tenant-binding";

    private static final String BINDING_COMMENT = "/* " + BINDING + " */ ";
    /** How TenantBinding joins the binding and a read's first statement into one text. */
    private static final String SEPARATOR = ";\n";

    @Override
    public String transformQuery(TransformInfo info) {
        String sql = info.getQuery();
        // pgjdbc recognises {call ...} escapes only at the start of the text
        if (sql == null || CallableStatement.class.isAssignableFrom(info.getClazz())) {
            return sql;
        }
        QueryScope scope = QueryScope.current();
        String comment = scope == null ? null : scope.comment();
        if (sql.startsWith(TenantBinding.SQL)) {
            String rest = sql.substring(TenantBinding.SQL.length());
            if (comment != null && rest.startsWith(SEPARATOR)) {
                rest = SEPARATOR + comment + rest.substring(SEPARATOR.length());
            }
            return BINDING_COMMENT + TenantBinding.SQL + rest;
        }
        // a pool wrapped twice must not say it twice
        return comment == null || sql.startsWith(comment) || sql.startsWith(BINDING_COMMENT) ? sql : comment + sql;
    }

    /**
     * Makes a name safe inside a block comment. PostgreSQL's block comments nest, so both "/*" and
     * "*&#47;" are split with a space; only a small set of characters is kept, which also keeps
     * pgjdbc's placeholder and escape parsing away from it.
     */
    static String sanitise(String name) {
        StringBuilder out = new StringBuilder(Math.min(name.length(), MAX_LENGTH));
        for (int i = 0; i < name.length() && out.length() < MAX_LENGTH; i++) {
            char c = name.charAt(i);
            char safe = allowed(c) ? c : '_';
            char prev = out.isEmpty() ? ' ' : out.charAt(out.length() - 1);
            if ((prev == '/' && safe == '*') || (prev == '*' && safe == '/')) {
                out.append(' ');
            }
            out.append(safe);
        }
        return out.toString().strip();
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || " /{}_-.:*".indexOf(c) >= 0;
    }
}
