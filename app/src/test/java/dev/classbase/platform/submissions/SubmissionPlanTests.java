package dev.classbase.platform.submissions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.Plans;
import dev.classbase.testsupport.ScaleS;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A retried submission on scale-S data (1M submissions) finds its first result through the
 * partial unique index submissions_user_idempotency_key (V75: the key is the user's own), and the student's work on the assignment
 * through the (tenant, assignment, user) key: the proof that keeps the idempotency index.
 */
class SubmissionPlanTests {
    private final DataSource db = ScaleS.ownerDataSource();

    @Test
    void aRetryFindsItsFirstResultThroughTheIdempotencyKeyIndex() {
        var row = JdbcClient.create(db)
                .sql("select tenant_id, assignment_id, user_id from submissions order by id limit 1")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)})
                .single();
        var plan = Plans.explainAsService(
                SubmissionQueries.EXISTING,
                Map.of("tenant", row[0], "assignment", row[1], "user", row[2], "key", "retry-of-a-lost-response"));
        assertThat(Plans.indexNames(plan))
                .as(plan.toString())
                .contains("submissions_user_idempotency_key", "submissions_tenant_id_assignment_id_user_id_key");
        assertThat(plan.toString()).doesNotContain("Seq Scan");
    }
}
