package dev.classbase.data.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.StatementBudget;
import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The watch around a real PostgreSQL 17: counts, N+1, batches, slow tiers and route comments. */
class QueryWatchTests {
    private static final String ROUTE = "route:GET /api/v1/courses/{id}";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DataSource raw = TestCluster.shared().primaryDataSource();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger watchLog = (Logger) LoggerFactory.getLogger(QueryWatch.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        watchLog.addAppender(logs);
    }

    @AfterEach
    void noScopeLeaks() {
        watchLog.detachAppender(logs);
        assertThat(QueryWatch.current()).as("every scope was closed").isEmpty();
    }

    private QueryWatch watch() {
        return watch(QueryWatchProperties.defaults());
    }

    private QueryWatch watch(QueryWatchProperties properties) {
        return new QueryWatch(properties, registry);
    }

    private static QueryWatchProperties slow(Duration warn, Duration critical) {
        return new QueryWatchProperties(true, true, 5, warn, critical);
    }

    @Test
    void countsEveryStatementOfAScopeExactly() throws SQLException {
        QueryWatch watch = watch();
        DataSource db = watch.wrap("primary", raw);
        try (Connection c = db.getConnection()) {
            select(c, "SELECT 1"); // outside any scope: timed, not counted
            try (QueryScope scope = QueryWatch.scope(ROUTE)) {
                try (PreparedStatement ps = c.prepareStatement("SELECT ?::int")) {
                    ps.setInt(1, 5);
                    ps.executeQuery().close();
                }
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TEMP TABLE counted (id int)");
                    s.executeUpdate("INSERT INTO counted VALUES (1)");
                    s.executeQuery("SELECT count(*) FROM counted").close();
                }
                c.getAutoCommit(); // connection calls are not statements
                assertThat(scope.statements()).isEqualTo(4);
                assertThat(scope.shapes())
                        .containsOnlyKeys(
                                "SELECT ?::int",
                                "CREATE TEMP TABLE counted (id int)",
                                "INSERT INTO counted VALUES (?)",
                                "SELECT count(*) FROM counted");
                assertThat(scope.name()).isEqualTo(ROUTE);
                assertThat(scope.route()).isEqualTo("GET /api/v1/courses/{id}");
            }
        }
        assertThat(registry.get("classbase.query")
                        .tag("pool", "primary")
                        .timer()
                        .count())
                .isEqualTo(5);
    }

    @Test
    void nestedScopesCountInEveryEnclosingScope() throws SQLException {
        DataSource db = watch().wrap("primary", raw);
        try (Connection c = db.getConnection();
                QueryScope outer = QueryWatch.scope("job:outer")) {
            select(c, "SELECT 1");
            try (QueryScope inner = QueryWatch.scope(ROUTE)) {
                select(c, "SELECT 2");
                assertThat(inner.statements()).isEqualTo(1);
            }
            assertThat(QueryWatch.current()).containsSame(outer);
            assertThat(outer.statements()).isEqualTo(2);
        }
    }

    @Test
    void aLoopOfTenIdenticalShapesIsOneNPlusOne() throws SQLException {
        QueryWatch watch = watch();
        DataSource db = watch.wrap("primary", raw);
        try (Connection c = db.getConnection();
                QueryScope scope = QueryWatch.scope(ROUTE)) {
            for (int i = 0; i < 5; i++) {
                try (PreparedStatement ps = c.prepareStatement("SELECT ?::int AS n")) {
                    ps.setInt(1, i);
                    ps.executeQuery().close();
                }
            }
            for (int i = 5; i < 10; i++) {
                select(c, "SELECT " + i + "::int AS n"); // literals: the same shape
            }
            assertThat(scope.nPlusOnes()).singleElement().satisfies(n -> {
                assertThat(n.shape()).isEqualTo("SELECT ?::int AS n");
                assertThat(n.route()).isEqualTo("GET /api/v1/courses/{id}");
                assertThat(n.executions()).isEqualTo(6);
                // every frame here is in the data package or below: no feature to name
                assertThat(n.caller()).isEqualTo("unknown");
            });
        }
        assertThat(watch.nPlusOneDetections()).isEqualTo(1);
        assertThat(registry.get("classbase.query.n_plus_one")
                        .tag("route", "GET /api/v1/courses/{id}")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(events(Level.WARN))
                .singleElement()
                .asString()
                .contains("N+1", "SELECT ?::int AS n", "GET /api/v1/courses/{id}", "unknown");
    }

    @Test
    void threeIdenticalShapesAreNotAnNPlusOne() throws SQLException {
        QueryWatch watch = watch();
        DataSource db = watch.wrap("primary", raw);
        try (Connection c = db.getConnection();
                QueryScope scope = QueryWatch.scope(ROUTE)) {
            for (int i = 0; i < 3; i++) {
                select(c, "SELECT " + i + " AS n");
            }
            assertThat(scope.shapes()).containsEntry("SELECT ? AS n", 3);
            assertThat(scope.nPlusOnes()).isEmpty();
        }
        assertThat(watch.nPlusOneDetections()).isZero();
        assertThat(registry.find("classbase.query.n_plus_one").counter()).isNull();
        assertThat(events(Level.WARN)).isEmpty();
    }

    @Test
    void theThresholdIsConfigurable() throws SQLException {
        QueryWatch watch = watch(new QueryWatchProperties(true, true, 2, Duration.ofSeconds(1), Duration.ofSeconds(5)));
        DataSource db = watch.wrap("primary", raw);
        try (Connection c = db.getConnection();
                QueryScope scope = QueryWatch.scope("job:threshold")) {
            for (int i = 0; i < 3; i++) {
                select(c, "SELECT " + i + " AS n");
            }
            assertThat(scope.nPlusOnes())
                    .singleElement()
                    .extracting(NPlusOne::route)
                    .isEqualTo("job:threshold");
        }
    }

    @Test
    void aBatchCountsAsOneExecution() throws SQLException {
        DataSource db = watch().wrap("primary", raw);
        try (Connection c = db.getConnection();
                QueryScope scope = QueryWatch.scope(ROUTE)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE batched (id int, note text)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO batched VALUES (?, ?)")) {
                for (int i = 0; i < 20; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "row " + i);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).hasSize(20);
            }
            try (Statement s = c.createStatement()) {
                s.addBatch("INSERT INTO batched VALUES (100, 'a')");
                s.addBatch("INSERT INTO batched VALUES (101, 'b')");
                s.addBatch("DELETE FROM batched WHERE id = 0");
                s.executeBatch();
            }
            assertThat(scope.statements()).isEqualTo(3);
            assertThat(scope.shapes())
                    .containsEntry("INSERT INTO batched VALUES (?, ?)", 1)
                    .containsEntry("INSERT INTO batched VALUES (?, ?); DELETE FROM batched WHERE id = ?", 1);
            assertThat(scope.nPlusOnes()).isEmpty();
            assertThat(count(c, "SELECT count(*) FROM batched")).isEqualTo(21);
        }
    }

    @Test
    void aTextOfTwoStatementsCountsAsTwoAndEachShapeCountsForNPlusOne() throws SQLException {
        QueryWatch watch = watch();
        DataSource db = watch.wrap("primary", raw);
        try (Connection c = db.getConnection();
                QueryScope scope = QueryWatch.scope(ROUTE)) {
            c.setAutoCommit(false);
            // what a read transaction's first statement looks like with the tenant binding riding along
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT set_config('app.x', ?, true);\nSELECT ?::int AS n")) {
                ps.setString(1, "1");
                ps.setInt(2, 7);
                ps.execute();
                assertThat(ps.getMoreResults()).isTrue();
            }
            for (int i = 0; i < 5; i++) {
                select(c, "SELECT " + i + "::int AS n");
            }
            c.commit();
            assertThat(scope.statements()).isEqualTo(7);
            assertThat(scope.transactions()).containsExactly(7);
            assertThat(scope.shapes())
                    .containsEntry("SELECT ?::int AS n", 6)
                    .containsEntry("SELECT set_config(?, ?, true)", 1);
            assertThat(scope.nPlusOnes())
                    .singleElement()
                    .extracting(NPlusOne::shape)
                    .isEqualTo("SELECT ?::int AS n");
        }
        assertThat(registry.get("classbase.query")
                        .tag("pool", "primary")
                        .timer()
                        .count())
                .isEqualTo(7);
    }

    @Test
    void countsStatementsPerTransactionAtCommitAndRollback() throws SQLException {
        DataSource db = watch().wrap("primary", raw);
        try (Connection c = db.getConnection();
                QueryScope scope = QueryWatch.scope(ROUTE)) {
            select(c, "SELECT 1"); // autocommit: no transaction of ours
            c.setAutoCommit(false);
            select(c, "SELECT 1");
            select(c, "SELECT 2");
            select(c, "SELECT 3");
            c.commit();
            select(c, "SELECT 4");
            select(c, "SELECT 5");
            c.rollback();
            c.rollback(); // nothing ran since: no empty transaction
            c.setAutoCommit(true);
            assertThat(scope.transactions()).containsExactly(3, 2);
            assertThat(scope.statements()).isEqualTo(6);
        }
        var perTransaction = registry.get("classbase.query.transaction.statements")
                .tag("pool", "primary")
                .summary();
        assertThat(perTransaction.count()).isEqualTo(2);
        assertThat(perTransaction.totalAmount()).isEqualTo(5.0);
    }

    @Test
    void aSlowStatementIsLoggedAndCountedAtTheWarnTier() throws SQLException {
        DataSource db =
                watch(slow(Duration.ofMillis(100), Duration.ofSeconds(5))).wrap("primary", raw);
        try (Connection c = db.getConnection();
                QueryScope scope = QueryWatch.scope(ROUTE)) {
            select(c, "SELECT pg_sleep(0.15)");
        }
        assertThat(slowCount("warn")).isEqualTo(1.0);
        assertThat(slowCount("critical")).isZero();
        assertThat(events(Level.WARN))
                .singleElement()
                .asString()
                .contains("slow statement", "SELECT pg_sleep(?)", "GET /api/v1/courses/{id}", "primary", " ms");
        assertThat(events(Level.ERROR)).isEmpty();
    }

    @Test
    void aVerySlowStatementIsCritical() throws SQLException {
        DataSource db =
                watch(slow(Duration.ofMillis(20), Duration.ofMillis(100))).wrap("replica1", raw);
        try (Connection c = db.getConnection()) {
            select(c, "SELECT pg_sleep(0.15)");
        }
        assertThat(registry.get("classbase.query.slow")
                        .tags("tier", "critical", "pool", "replica1")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(events(Level.ERROR))
                .singleElement()
                .asString()
                .contains("critical slow statement", "SELECT pg_sleep(?)", "none");
    }

    @Test
    void statementsInARouteScopeCarryTheRouteToPostgres() throws Exception {
        DataSource db = watch().wrap("primary", raw);
        String marker = "watch_probe_" + System.nanoTime();
        String activity;
        try (Connection c = db.getConnection();
                QueryScope scope = QueryWatch.scope(ROUTE)) {
            // pg_stat_statements groups by parse tree (aliases do not count): a table of its own
            // gives this statement an entry of its own
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE " + marker + " (id int)");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + marker + " WHERE id = ?")) {
                ps.setInt(1, 4242);
                ps.executeQuery().close();
            }
            activity = ownActivity(c);
        }
        assertThat(activity).startsWith("/* route:GET /api/v1/courses/{id} */ SELECT query FROM pg_stat_activity");

        // pg_stat_statements keeps the text of a statement's first execution, comment included
        String recorded = Await.until(Duration.ofSeconds(10), () -> statementText(marker));
        assertThat(recorded)
                .isEqualTo("/* route:GET /api/v1/courses/{id} */ SELECT id FROM " + marker + " WHERE id = $1")
                .doesNotContain("4242");
    }

    @Test
    void outsideAScopeNoCommentAndAJobScopeNamesTheJob() throws SQLException {
        DataSource db = watch().wrap("primary", raw);
        try (Connection c = db.getConnection()) {
            assertThat(ownActivity(c)).startsWith("SELECT query FROM pg_stat_activity");
            try (QueryScope scope = QueryWatch.scope("job:refresh-views")) {
                assertThat(ownActivity(c)).startsWith("/* job:refresh-views */ SELECT");
            }
            try (QueryScope scope = QueryWatch.scope(null)) {
                assertThat(ownActivity(c)).startsWith("SELECT query");
            }
        }
    }

    @Test
    void aHostileScopeNameCannotEndTheCommentEarly() throws SQLException {
        DataSource db = watch().wrap("primary", raw);
        String hostile = "route:GET /files/*/x */ SELECT 'leak'; DROP TABLE t; /* ?\n--";
        try (Connection c = db.getConnection();
                QueryScope scope = QueryWatch.scope(hostile)) {
            String text = ownActivity(c); // it runs: the comment did not swallow or inject anything
            String comment = text.substring(0, text.indexOf("*/") + 2);
            assertThat(text.substring(comment.length()))
                    .isEqualTo(" SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid()");
            assertThat(comment.substring(2, comment.length() - 2)).doesNotContain("/*", "*/", "'", ";", "?", "\n");
            assertThat(comment).startsWith("/* route:GET /files/ * /x * / SELECT _leak__ DROP TABLE t_ / * _");
        }
    }

    @Test
    void sanitiseKeepsPatternsReadableAndBreaksCommentMarkers() {
        assertThat(RouteComment.sanitise("route:GET /api/v1/courses/{id}")).isEqualTo("route:GET /api/v1/courses/{id}");
        // "/*" opens a nested comment in PostgreSQL, so even a harmless "/**" is split
        assertThat(RouteComment.sanitise("route:GET /files/**")).isEqualTo("route:GET /files/ **");
        assertThat(RouteComment.sanitise("/*/")).isEqualTo("/ * /");
        assertThat(RouteComment.sanitise("a*/b/*c")).isEqualTo("a* /b/ *c");
        assertThat(RouteComment.sanitise("job:x\r\n$1 'v'")).isEqualTo("job:x___1 _v_");
        assertThat(RouteComment.sanitise("job:" + "y".repeat(500))).hasSize(120);
    }

    @Test
    void aStatementBudgetListsTheShapesWhenExceeded() throws Exception {
        QueryWatch watch = watch();
        DataSource db = watch.wrap("primary", raw);
        try (Connection c = db.getConnection()) {
            StatementBudget.Measurement ok = StatementBudget.assertAtMost(2, watch, () -> {
                select(c, "SELECT 1");
                // a request inside the measured block still counts for the block
                try (QueryScope request = QueryWatch.scope(ROUTE)) {
                    select(c, "SELECT 2");
                }
            });
            assertThat(ok.statements()).isEqualTo(2);
            assertThat(ok.shapes()).containsExactly(Map.entry("SELECT ?", 2));

            assertThatThrownBy(() -> StatementBudget.assertAtMost(3, watch, () -> {
                        for (int i = 0; i < 7; i++) {
                            select(c, "SELECT " + i + " AS again");
                        }
                        select(c, "SELECT now()");
                    }))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("expected at most 3 statements but 8 ran")
                    .hasMessageContaining("7 x SELECT ? AS again")
                    .hasMessageContaining("1 x SELECT now()")
                    .hasMessageContaining("N+1 in none");
        }
        assertThat(watch.nPlusOneDetections()).isEqualTo(1);
    }

    @Test
    void aDisabledWatchReturnsThePoolItself() {
        QueryWatch watch =
                watch(new QueryWatchProperties(false, true, 5, Duration.ofMillis(500), Duration.ofSeconds(5)));
        assertThat(watch.wrap("primary", raw)).isSameAs(raw);
        assertThatThrownBy(() -> StatementBudget.measure(watch, () -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("classbase.query-watch.enabled");
    }

    private List<String> events(Level level) {
        return logs.list.stream()
                .filter(e -> e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private double slowCount(String tier) {
        return registry.get("classbase.query.slow")
                .tags("tier", tier, "pool", "primary")
                .counter()
                .count();
    }

    private static void select(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeQuery(sql).close();
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The text PostgreSQL received for this very statement, as pg_stat_activity shows it. */
    private static String ownActivity(Connection c) throws SQLException {
        try (PreparedStatement ps =
                        c.prepareStatement("SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid()");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String statementText(String marker) {
        try (Connection c = raw.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT query FROM pg_stat_statements WHERE query LIKE '%SELECT id FROM ' || ? || '%' LIMIT 1")) {
            ps.setString(1, marker);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
