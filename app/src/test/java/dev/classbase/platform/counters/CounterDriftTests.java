package dev.classbase.platform.counters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestCluster;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Drift check and batched repair, in-process and as {@code classbase counters check [--repair]}. */
class CounterDriftTests {
    private static DataSource owner;
    private static JdbcClient jdbc;

    @BeforeAll
    static void createDatabase() {
        owner = TestCluster.shared().freshDatabase("counters_drift");
        CounterFixture.create(owner);
        jdbc = JdbcClient.create(owner);
        jdbc.sql("""
                insert into discussion_posts (tenant_id, discussion_id, user_id, body)
                select d.tenant_id, d.id, d.author_id, 'post ' || g from discussions as d, generate_series(1, 3) as g;
                insert into enrollments (tenant_id, course_id, section_id, user_id, status)
                select c.tenant_id, c.id, c.id, u.id, case when u.id % 3 = 0 then 'dropped' else 'active' end
                from courses as c join users as u on u.tenant_id = c.tenant_id and u.role = 'student';
                """).update();
    }

    /** Sets three discussions and two courses off by a known amount, bypassing the triggers. */
    private static void plantDrift() {
        jdbc.sql(
                        "update discussions set discussion_posts_count = discussion_posts_count + 2 where id in (1011, 1012, 2021)")
                .update();
        jdbc.sql("update courses set enrollments_count = 0 where id in (101, 202)")
                .update();
    }

    private static CounterDrift.Drift drift(CounterDrift drift, String name) {
        return drift.check().stream()
                .filter(d -> d.counter().name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void triggersCountInsertsAndEnrollmentsOfEveryStatus() {
        assertThat(new CounterDrift(owner).check())
                .allSatisfy(d -> assertThat(d.exact()).isTrue());
        Long enrollments = jdbc.sql("select enrollments_count from courses where id = 101")
                .query(Long.class)
                .single();
        assertThat(enrollments).isEqualTo(20); // dropped ones included
    }

    @Test
    void checkFindsPlantedDriftAndRepairFixesItInBatches() {
        CounterDrift drift = new CounterDrift(owner);
        plantDrift();

        CounterDrift.Drift posts = drift(drift, "discussions.discussion_posts_count");
        assertThat(posts.drifted()).isEqualTo(3);
        assertThat(posts.offBy()).isEqualTo(6);
        assertThat(posts.parents()).isEqualTo(16);
        CounterDrift.Drift enrollments = drift(drift, "courses.enrollments_count");
        assertThat(enrollments.drifted()).isEqualTo(2);
        assertThat(enrollments.offBy()).isEqualTo(40);

        // batch of 2: 8 transactions over 16 discussions
        assertThat(drift.repair(posts.counter(), 2)).isEqualTo(3);
        assertThat(drift.repair(enrollments.counter(), 3)).isEqualTo(2);
        assertThat(drift.check())
                .allSatisfy(d -> assertThat(d.exact()).as(d.counter().name()).isTrue());
        assertThat(drift.repair(posts.counter(), 1000)).isZero();
    }

    @Test
    void theCommandReportsDriftAndRepairsIt() {
        plantDrift();
        EmbeddedCluster c = TestCluster.shared().cluster();
        String url = "postgresql://" + c.primary().user() + ":" + c.primary().password() + "@127.0.0.1:"
                + c.primary().port() + "/counters_drift";
        Map<String, String> env = Map.of("CLASSBASE_DATABASE_URL", url);

        Cli.Result check = Cli.run(env, Duration.ofSeconds(120), "counters", "check");
        assertThat(check.exitCode()).as(check.output()).isEqualTo(1);
        assertThat(check.stdout())
                .containsPattern("discussions\\.discussion_posts_count\\s+16\\s+3\\s+6")
                .containsPattern("courses\\.enrollments_count\\s+8\\s+2\\s+40")
                .containsPattern("courses\\.assignments_count\\s+8\\s+0\\s+0")
                .contains("--repair");

        Cli.Result repair = Cli.run(env, Duration.ofSeconds(120), "counters", "check", "--repair", "--batch", "5");
        assertThat(repair.exitCode()).as(repair.output()).isZero();
        assertThat(repair.stdout())
                .contains("repaired discussions.discussion_posts_count: 3 parents")
                .contains("repaired courses.enrollments_count: 2 parents")
                .contains("every counter is exact");

        Cli.Result again = Cli.run(env, Duration.ofSeconds(120), "counters", "check");
        assertThat(again.exitCode()).as(again.output()).isZero();
    }
}
