package dev.classbase.data.watch;

import java.sql.CallableStatement;
import net.ttddyy.dsproxy.transform.QueryTransformer;
import net.ttddyy.dsproxy.transform.TransformInfo;

/**
 * Prefixes every statement with a comment naming the scope's route or job, so pg_stat_activity and
 * pg_stat_statements can attribute a query to an endpoint (the sqlcommenter idea). The name is a
 * route pattern or a job name, never a request value.
 */
final class RouteComment implements QueryTransformer {
    // a comment is for people reading pg_stat_activity; a long one only wastes track_activity_query_size
    private static final int MAX_LENGTH = 120;

    @Override
    public String transformQuery(TransformInfo info) {
        String sql = info.getQuery();
        // pgjdbc recognises {call ...} escapes only at the start of the text
        if (sql == null || CallableStatement.class.isAssignableFrom(info.getClazz())) {
            return sql;
        }
        QueryScope scope = QueryScope.current();
        String comment = scope == null ? null : scope.comment();
        // a pool wrapped twice must not say it twice
        return comment == null || sql.startsWith(comment) ? sql : comment + sql;
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
