package dev.classbase.platform.gradebook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.Plans;
import dev.classbase.testsupport.ScaleS;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The gradebook's statements on scale-S data (100k enrollments, 1M submissions), for the section
 * with the most students: each reaches its rows through an index and none reads a whole table.
 * No index of its own is needed: V1's foreign-key indexes and unique keys are the section lookups
 * (enrollments_section_fk, assignments_course_fk) and the submissions' (tenant, assignment,
 * user) key or user foreign-key index.
 */
class GradebookPlanTests {
    private final DataSource db = ScaleS.ownerDataSource();
    private long tenant;
    private long section;
    private long course;

    @BeforeEach
    void biggestSection() {
        var row = JdbcClient.create(db)
                .sql("select tenant_id, section_id, min(course_id) from enrollments group by 1, 2 "
                        + "order by count(*) desc limit 1")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)})
                .single();
        tenant = row[0];
        section = row[1];
        course = row[2];
    }

    @Test
    void theSectionIsFoundByItsKey() {
        var plan = Plans.explainAsService(GradebookQueries.SECTION, Map.of("tenant", tenant, "section", section));
        assertThat(Plans.indexNames(plan)).as(plan.toString()).contains("sections_pkey", "courses_pkey");
        assertThat(plan.toString()).doesNotContain("Seq Scan");
    }

    @Test
    void theStudentsAreTheSectionsEnrollments() {
        var plan = Plans.explainAsService(GradebookQueries.STUDENTS, Map.of("tenant", tenant, "section", section));
        assertThat(Plans.indexNames(plan)).as(plan.toString()).contains("enrollments_section_fk", "users_pkey");
        assertThat(plan.toString()).doesNotContain("Seq Scan");
    }

    @Test
    void theAssignmentsAreTheCoursesOwn() {
        var plan = Plans.explainAsService(GradebookQueries.ASSIGNMENTS, Map.of("tenant", tenant, "course", course));
        assertThat(Plans.indexNames(plan)).as(plan.toString()).contains("assignments_course_fk");
        assertThat(plan.toString()).doesNotContain("Seq Scan");
    }

    @Test
    void theSubmissionsAreReachedThroughIndexes() {
        var plan = Plans.explainAsService(
                GradebookQueries.SUBMISSIONS, Map.of("tenant", tenant, "section", section, "course", course));
        // which side leads depends on the estimates (the section's enrollments or the course's
        // assignments); either way every table is reached by an index
        assertThat(Plans.indexNames(plan))
                .as(plan.toString())
                .anyMatch(name -> name.startsWith("submissions_"))
                .anyMatch(name -> name.startsWith("enrollments_"));
        assertThat(plan.toString()).doesNotContain("Seq Scan");
    }
}
