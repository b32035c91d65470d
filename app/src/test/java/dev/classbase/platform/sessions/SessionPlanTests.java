package dev.classbase.platform.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.Plans;
import dev.classbase.testsupport.ScaleS;
import dev.classbase.testsupport.TestApp;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import tools.jackson.databind.JsonNode;

/**
 * The three statements of sign-in, token lookup and expiry cleanup, planned on scale-S data (20k
 * users, ~30k sessions in 8 hash partitions). They live in the SECURITY DEFINER functions of
 * V5__sessions.sql, which the planner never inlines, so each test explains the function's own
 * body as stored in pg_proc (its parameter bound), not a copy that could drift from it. Each test
 * is the proof that keeps its index. The functions run as their owner, to whom row-level security
 * does not apply, whoever calls them, so the owner's plan is the one the service role gets: the
 * first test keeps that premise true.
 */
class SessionPlanTests {
    private final DataSource db = ScaleS.ownerDataSource();
    private final JdbcClient jdbc = JdbcClient.create(db);

    @Test
    void theStatementsRunAsTheFunctionsOwnerSoTheOwnersPlanIsTheServices() {
        var functions = List.of("classbase_find_login", "classbase_find_session", "classbase_delete_expired_sessions");
        for (String function : functions) {
            assertThat(jdbc.sql("select prosecdef from pg_proc where proname = :name")
                            .param("name", function)
                            .query(Boolean.class)
                            .single())
                    .as(function + " is SECURITY DEFINER")
                    .isTrue();
        }
        assertThat(jdbc.sql(
                                "select relrowsecurity and not relforcerowsecurity from pg_class where oid = 'users'::regclass")
                        .query(Boolean.class)
                        .single())
                .as("users: row-level security enabled, not forced on its owner")
                .isTrue();
    }

    @Test
    void signInFindsTheAccountByTheLowerEmailIndex() {
        String email = jdbc.sql("select email from users order by tenant_id desc, id desc limit 1")
                .query(String.class)
                .single();
        String body = statement("classbase_find_login").replace("p_email", ":email");

        JsonNode plan = Plans.explain(db, body, Map.of("email", email.toUpperCase()));

        assertThat(Plans.indexNames(plan)).as(plan.toString()).containsExactly("users_email_key");
    }

    @Test
    void tokenLookupReadsOnePartitionByItsPrimaryKey() throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(new byte[32]);
        String body = statement("classbase_find_session").replace("p_token_hash", ":tokenHash");

        JsonNode plan = asOfToday(today -> Plans.explain(today, body, Map.of("tokenHash", hash)));

        // hash partitioning prunes to one partition at plan time; its primary key finds the row,
        // the users primary key finds the account
        assertThat(Plans.parentIndexNames(db, plan))
                .as(plan.toString())
                .containsExactlyInAnyOrder("user_sessions_pkey", "users_pkey");
        assertThat(plan.toString()).doesNotContain("Seq Scan");
    }

    @Test
    void expiryCleanupReadsTheOldestExpiredThroughTheExpiryIndex() throws SQLException {
        String body = statement("classbase_delete_expired_sessions").replace("p_batch", ":batch");

        JsonNode plan = asOfToday(today -> Plans.explain(today, body, Map.of("batch", 5000)));

        // a Merge Append of the 8 partitions' expires_at indexes, already in expiry order: no sort
        // of every expired session to find the oldest 5000
        assertThat(Plans.parentIndexNames(db, plan)).as(plan.toString()).contains("user_sessions_expires_at");
        assertThat(plan.toString()).doesNotContain("\"Sort\"");
    }

    /**
     * Runs {@code explain} with the sessions moved to today, in a transaction rolled back after.
     * ScaleS generates sessions of the 30 days before {@link TestApp#AS_OF}, valid 14 days, so by
     * the clock of the test run every one of them has expired; the planner then rightly estimates
     * that {@code expires_at > now()} matches nothing and reads the token through the expiry index.
     * A live server has as many valid sessions as expired (fewer once the hourly cleanup runs):
     * shifting them as the generator would write them today, and analysing, plans for that.
     * ANALYZE's statistics are transactional and roll back with the shift.
     */
    private JsonNode asOfToday(Function<DataSource, JsonNode> explain) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                DataSource today = new SingleConnectionDataSource(c, true);
                JdbcClient.create(today)
                        .sql("""
                            update user_sessions
                            set created_at = created_at + (now() - cast(:asOf as timestamptz)),
                                expires_at = expires_at + (now() - cast(:asOf as timestamptz))
                            """)
                        .param("asOf", TestApp.AS_OF.atStartOfDay().atOffset(ZoneOffset.UTC))
                        .update();
                JdbcClient.create(today).sql("analyze user_sessions").update();
                return explain.apply(today);
            } finally {
                c.rollback();
            }
        }
    }

    /**
     * The one SQL statement in a function's body: the whole body of a SQL function, the RETURN
     * QUERY or the DELETE of a PL/pgSQL one.
     */
    private String statement(String function) {
        String source = jdbc.sql("select prosrc from pg_proc where proname = :name")
                .param("name", function)
                .query(String.class)
                .single();
        Matcher query = Pattern.compile("(?is)return\\s+query\\s+(select.*?);").matcher(source);
        if (query.find()) {
            return query.group(1);
        }
        Matcher delete = Pattern.compile("(?is)(delete\\s+from.*?);").matcher(source);
        return delete.find() ? delete.group(1) : source.strip();
    }
}
