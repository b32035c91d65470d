package dev.classbase.data.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.tenancy.TenantBinding;
import java.sql.PreparedStatement;
import net.ttddyy.dsproxy.transform.TransformInfo;
import org.junit.jupiter.api.Test;

/**
 * The comment each statement carries: its route on every statement of a text, the tenant binding
 * named for itself (every route runs it, and pg_stat_statements keeps one entry's first text), and
 * a request's statements before routing named as such.
 */
class RouteCommentTests {
    private static final RouteComment COMMENT = new RouteComment();

    @Test
    void aReadsFirstStatementCarriesTheRouteBehindTheBinding() {
        try (QueryScope scope = QueryWatch.requestScope(() -> "route:GET /api/v1/courses")) {
            assertThat(transform(TenantBinding.SQL + ";\nSELECT id FROM courses WHERE id = ?"))
                    .isEqualTo("/* data:tenant-binding */ " + TenantBinding.SQL
                            + ";\n/* route:GET /api/v1/courses */ SELECT id FROM courses WHERE id = ?");
            assertThat(transform(TenantBinding.SQL)).isEqualTo("/* data:tenant-binding */ " + TenantBinding.SQL);
            assertThat(transform("SELECT 1")).isEqualTo("/* route:GET /api/v1/courses */ SELECT 1");
        }
    }

    @Test
    void theSameStatementHasTheSameTextOnEveryRequestOfItsRoute() {
        String first;
        try (QueryScope scope = QueryWatch.requestScope(() -> "route:GET /api/v1/courses/{id}")) {
            first = transform(TenantBinding.SQL + ";\nSELECT 1");
        }
        try (QueryScope scope = QueryWatch.requestScope(() -> "route:GET /api/v1/courses/{id}")) {
            assertThat(transform(TenantBinding.SQL + ";\nSELECT 1")).isEqualTo(first);
        }
    }

    @Test
    void statementsBeforeRoutingSaySo() {
        try (QueryScope scope = QueryWatch.requestScope(() -> null)) {
            assertThat(transform("SELECT 1")).isEqualTo("/* request:before-routing */ SELECT 1");
        }
        try (QueryScope job = QueryWatch.scope("job:refresh-views")) {
            assertThat(transform("SELECT 1")).isEqualTo("/* job:refresh-views */ SELECT 1");
        }
        assertThat(transform("SELECT 1")).as("no scope, no comment").isEqualTo("SELECT 1");
    }

    @Test
    void aNestedScopeNamesItsOwnStatements() {
        try (QueryScope request = QueryWatch.requestScope(() -> "route:POST /api/v1/enrollments");
                QueryScope probe = QueryWatch.scope("data:wal-position")) {
            assertThat(transform("SELECT pg_current_wal_insert_lsn()::text"))
                    .isEqualTo("/* data:wal-position */ SELECT pg_current_wal_insert_lsn()::text");
            probe.record("SELECT pg_current_wal_insert_lsn()::text", 5);
            assertThat(request.statements()).as("still the request's statement").isEqualTo(1);
        }
    }

    private static String transform(String sql) {
        return COMMENT.transformQuery(new TransformInfo(PreparedStatement.class, "test", sql, false, 0));
    }
}
