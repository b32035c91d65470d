package dev.classbase.ops.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import dev.classbase.web.ApiException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * EXPLAIN as the explain role: statements that read another tenant through error text, signal the
 * application's backends, keep a lock or rebind the transaction get nowhere, and plans still come.
 */
class ExplainSandboxTests {
    private static final String PATH = "/api/v1/admin/database/explain";
    private static TestApp app;
    private static String operator;
    private static DataSource superuser;
    /** Riverside's emails and the tails of its password hashes: none may appear in an answer. */
    private static final List<String> riverside = new ArrayList<>();

    private static final List<String> northwood = new ArrayList<>();
    private static long northwoodId;

    @BeforeAll
    static void start() throws SQLException {
        app = TestApp.shared();
        operator = app.signInOperator();
        superuser = TestCluster.shared().superuserDataSource();
        for (Map<String, Object> row : rows("""
                SELECT t.slug, t.id, u.email, u.password_hash
                FROM users AS u JOIN tenants AS t ON t.id = u.tenant_id
                WHERE t.slug IN ('riverside', 'northwood')
                """)) {
            String email = (String) row.get("email");
            if (row.get("slug").equals("riverside")) {
                riverside.add(email.toLowerCase(Locale.ROOT));
                String hash = (String) row.get("password_hash");
                if (hash != null && hash.length() > 20) {
                    riverside.add(hash.substring(hash.length() - 20));
                }
            } else {
                northwood.add(email.toLowerCase(Locale.ROOT));
                northwoodId = ((Number) row.get("id")).longValue();
            }
        }
        assertThat(riverside).as("riverside's demo users").hasSizeGreaterThan(2);
        assertThat(northwood).as("northwood's demo users").isNotEmpty();
    }

    private static HttpResponse<String> explain(String sql, boolean analyze, Long tenantId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sql", sql);
        body.put("analyze", analyze);
        if (tenantId != null) {
            body.put("tenantId", tenantId);
        }
        return app.post(PATH, operator, JsonMapper.builder().build().writeValueAsString(body));
    }

    private static List<Map<String, Object>> rows(String sql, Object... params) throws SQLException {
        try (Connection c = superuser.getConnection()) {
            return ConsoleDatabase.rows(c, sql, params);
        }
    }

    private static void assertProblem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    private static void assertNoneOf(List<String> values, HttpResponse<String> r) {
        String body = r.body().toLowerCase(Locale.ROOT);
        for (String value : values) {
            assertThat(body).as("answer to an exfiltration attempt").doesNotContain(value.toLowerCase(Locale.ROOT));
        }
    }

    @Test
    void errorTextCarriesNoOtherTenantsEmails() {
        HttpResponse<String> r = explain(
                "SELECT CAST((SELECT set_config('app.tenant_id','2',true)) || '|' || (SELECT string_agg(email, ',')"
                        + " FROM (SELECT email FROM users ORDER BY id LIMIT 3) s) AS int)",
                true,
                null);
        assertProblem(r, 400);
        assertNoneOf(riverside, r);
        // refused while planning: the explain role may not execute set_config
        assertThat(r.body()).contains("permission denied for function set_config");
    }

    @Test
    void errorTextCarriesNoPasswordHashesThroughTheSignInFunction() {
        HttpResponse<String> r = explain(
                "SELECT CAST((SELECT string_agg(email || ':' || password_hash, ',')"
                        + " FROM classbase_find_login('admin@riverside.demo')) AS int)",
                true,
                null);
        assertProblem(r, 400);
        assertNoneOf(riverside, r);
        assertThat(r.body()).contains("permission denied for function classbase_find_login");
    }

    @Test
    void anErrorWhileRunningIsNamedBySqlStateOnly() {
        // bound to the caller's own tenant, the cast fails on its rows: the message would quote them
        HttpResponse<String> r =
                explain("SELECT CAST((SELECT string_agg(email, ',') FROM users) AS int)", true, northwoodId);
        assertProblem(r, 400);
        assertNoneOf(northwood, r);
        assertNoneOf(riverside, r);
        JsonNode problem = TestApp.json(r);
        assertThat(problem.path("sqlState").asString()).isEqualTo("22P02");
        assertThat(problem.path("condition").asString()).isEqualTo("invalid_text_representation");
    }

    @Test
    void theBoundTenantIsTheOnlyOneTheStatementSees() {
        HttpResponse<String> bound = explain("SELECT id FROM users", true, northwoodId);
        assertThat(bound.statusCode()).as(bound.body()).isEqualTo(200);
        JsonNode body = TestApp.json(bound);
        assertThat(body.path("tenantId").asLong()).isEqualTo(northwoodId);
        assertThat(body.path("role").asString()).isEqualTo(ExplainSandbox.ROLE);
        assertThat(body.path("plan").get(0).path("Plan").path("Actual Rows").asLong())
                .isEqualTo(northwood.size());
        HttpResponse<String> none = explain("SELECT id FROM users", true, null);
        assertThat(TestApp.json(none)
                        .path("plan")
                        .get(0)
                        .path("Plan")
                        .path("Actual Rows")
                        .asLong())
                .as("no tenant bound: row-level security shows no row")
                .isZero();
        assertProblem(explain("SELECT 1", false, 0L), 400);
    }

    /** The service role's client backends on the primary, the console's explain connections aside. */
    private static Set<Object> appBackends() throws SQLException {
        Set<Object> pids = new HashSet<>();
        for (Map<String, Object> row : rows("""
                SELECT pid FROM pg_stat_activity
                WHERE usename = 'classbase_app' AND backend_type = 'client backend'
                  AND application_name <> 'classbase-console-explain'
                """)) {
            pids.add(row.get("pid"));
        }
        return pids;
    }

    private static long primaryPoolBackends() throws SQLException {
        return ((Number) rows("""
                                SELECT count(*) AS n FROM pg_stat_activity
                                WHERE usename = 'classbase_app' AND application_name = 'classbase-primary'
                                """).getFirst().get("n")).longValue();
    }

    @Test
    void terminatingBackendsThroughAnalyzeTerminatesNothing() throws SQLException {
        app.signIn("teacher1@northwood.demo"); // the primary pool has a connection to aim at
        DataSource service = TestCluster.dataSource(TestCluster.shared()
                .cluster()
                .service(TestCluster.shared().cluster().primary()));
        // a backend of the service role held here: no pool can retire it while the test looks
        try (Connection sentinel = service.getConnection()) {
            Object sentinelPid = ConsoleDatabase.rows(sentinel, "SELECT pg_backend_pid() AS pid")
                    .getFirst()
                    .get("pid");
            Set<Object> before = appBackends();
            assertThat(before).contains(sentinelPid);
            assertThat(primaryPoolBackends()).isPositive();
            // as the explain role, current_user names nobody's backends
            HttpResponse<String> own = explain(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            + " WHERE usename = current_user AND pid <> pg_backend_pid()",
                    true,
                    null);
            assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
            // the login role's backends: the explain role may not signal them
            HttpResponse<String> login = explain(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            + " WHERE usename = session_user AND pid <> pg_backend_pid()",
                    true,
                    null);
            assertProblem(login, 400);
            assertThat(TestApp.json(login).path("sqlState").asString()).isEqualTo("42501");
            // every backend of the service role is still there, the one held here included
            assertThat(appBackends()).containsAll(before);
            assertThat(primaryPoolBackends()).isPositive();
            assertThat(ConsoleDatabase.rows(sentinel, "SELECT 1 AS one")).hasSize(1);
        }
        assertThat(app.get("/api/v1/admin/database/checks", operator).statusCode())
                .isEqualTo(200);
        assertThat(explain("SELECT 1", true, null).statusCode()).isEqualTo(200);
    }

    private static long advisoryLocks() throws SQLException {
        return ((Number) rows("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4243")
                        .getFirst()
                        .get("n"))
                .longValue();
    }

    @Test
    void anAdvisoryLockTheStatementTookIsReleased() throws SQLException {
        HttpResponse<String> r = explain("SELECT pg_advisory_lock(4243)", true, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(advisoryLocks()).isZero();
        // taken, then the statement fails: released all the same
        HttpResponse<String> failed = explain("SELECT 1 / (pg_advisory_lock(4243)::text = 'x')::int", true, null);
        assertProblem(failed, 400);
        assertThat(TestApp.json(failed).path("condition").asString()).isEqualTo("division_by_zero");
        assertThat(advisoryLocks()).isZero();
    }

    @Test
    void rebindingTheTransactionIsA400() {
        for (String setting : List.of("transaction_read_only", "role", "statement_timeout")) {
            HttpResponse<String> r = explain("SELECT set_config('" + setting + "', 'off', true)", true, null);
            assertProblem(r, 400);
            assertThat(r.body()).contains("set_config");
        }
    }

    @Test
    void aPlainExplainOfATenantTableStillUsesItsIndex() {
        HttpResponse<String> r =
                explain("SELECT id, email FROM users WHERE tenant_id = " + northwoodId + " AND id = 5", false, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"Index Name\":\"users_pkey\"");
        // the secret columns are out of reach, even to plan
        HttpResponse<String> hash = explain("SELECT password_hash FROM users WHERE id = 5", false, null);
        assertProblem(hash, 400);
        assertThat(hash.body()).contains("permission denied for table users");
        HttpResponse<String> audit = explain("SELECT * FROM connection_audit", false, null);
        assertProblem(audit, 400);
        assertThat(audit.body()).contains("permission denied for table connection_audit");
    }

    @Test
    void theExplainRoleReadsOnlyTablesUnderRowLevelSecurityAndCallsNoDefiner() throws SQLException {
        assertThat(rows("""
                SELECT c.oid::regclass::text AS name FROM pg_class AS c
                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
                  AND NOT c.relrowsecurity AND NOT (c.relkind = 'v' AND c.relname LIKE 'tenant\\_%')
                  -- an extension's own objects (pg_stat_statements) are granted to PUBLIC by the extension
                  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.objid = c.oid AND d.deptype = 'e')
                  AND has_table_privilege('classbase_explain', c.oid, 'SELECT')
                """))
                .as("relations without row-level security the explain role may read")
                .isEmpty();
        assertThat(rows("""
                SELECT a.attrelid::regclass::text || '.' || a.attname AS name FROM pg_attribute AS a
                JOIN pg_class AS c ON c.oid = a.attrelid
                WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
                  AND a.attname ~ '(hash|token|secret|password)'
                  AND has_column_privilege('classbase_explain', a.attrelid, a.attnum, 'SELECT')
                """)).as("secret columns the explain role may read").isEmpty();
        assertThat(rows("""
                SELECT p.oid::regprocedure::text AS name FROM pg_proc AS p
                WHERE p.prosecdef AND has_function_privilege('classbase_explain', p.oid, 'EXECUTE')
                """))
                .as("SECURITY DEFINER functions the explain role may execute")
                .isEmpty();
        assertThat(rows("""
                SELECT has_function_privilege('classbase_explain', 'pg_catalog.set_config(text, text, boolean)',
                                              'EXECUTE') AS explain,
                       has_function_privilege('classbase_app', 'pg_catalog.set_config(text, text, boolean)',
                                              'EXECUTE') AS app,
                       has_function_privilege('classbase', 'pg_catalog.set_config(text, text, boolean)',
                                              'EXECUTE') AS owner
                """)).containsExactly(Map.of("explain", false, "app", true, "owner", true));
    }

    @Test
    void whereSetConfigIsStillPublicAnalyzeIsRefusedAndPlainExplainWorks() throws SQLException {
        // a database created later keeps PostgreSQL's default: set_config executable by PUBLIC
        String name = "explain_sandbox_incomplete";
        var cluster = TestCluster.shared().cluster();
        TestCluster.shared().freshDatabase(name);
        try {
            DataSource service =
                    TestCluster.dataSource(cluster.service(cluster.primary()).database(name));
            ExplainQueries explain =
                    new ExplainQueries(new ExplainSandbox(service, 1, () -> {}), ConsoleProperties.defaults());
            assertThatThrownBy(() -> explain.explain("SELECT 1", true, null))
                    .isInstanceOfSatisfying(
                            ApiException.class,
                            e -> assertThat(e.status().value()).isEqualTo(503))
                    .hasMessageContaining("set_config")
                    .hasMessageContaining("REVOKE EXECUTE ON FUNCTION pg_catalog.set_config");
            ExplainQueries.Explained plain = explain.explain("SELECT id FROM users WHERE tenant_id = 1", false, null);
            assertThat(plain.role()).isEqualTo(ExplainSandbox.ROLE);
            assertThat(plain.analyze()).isFalse();
        } finally {
            DataSource postgres =
                    TestCluster.dataSource(cluster.superuser(cluster.primary()).database("postgres"));
            try (Connection c = postgres.getConnection();
                    var drop = c.createStatement()) {
                drop.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }

    @Test
    void everySlotTakenAnswersBusyWithoutQueueing() throws Exception {
        DataSource service = TestCluster.dataSource(TestCluster.shared()
                .cluster()
                .service(TestCluster.shared().cluster().primary()));
        ExplainSandbox sandbox = new ExplainSandbox(service, 1, () -> {});
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> holder = CompletableFuture.supplyAsync(() -> {
            try {
                return sandbox.run(Duration.ofSeconds(30), null, (c, offer) -> {
                    inside.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return 1;
                });
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
        try {
            assertThatThrownBy(() -> sandbox.run(Duration.ofSeconds(3), null, (c, offer) -> 2))
                    .isInstanceOfSatisfying(ExplainSandbox.Busy.class, busy -> {
                        assertThat(busy.status().value()).isEqualTo(503);
                        assertThat(busy.retryAfterSeconds()).isEqualTo(3);
                    });
        } finally {
            release.countDown();
        }
        assertThat(holder.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        Integer after = sandbox.run(Duration.ofSeconds(3), null, (c, offer) -> 3);
        assertThat(after).as("the slot is free again").isEqualTo(3);
    }
}
