package dev.classbase.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ScaleTests {

    @Test
    void parsesCaseInsensitively() {
        assertThat(Scale.parse("demo")).isEqualTo(Scale.DEMO);
        assertThat(Scale.parse("DEMO")).isEqualTo(Scale.DEMO);
        assertThat(Scale.parse("s")).isEqualTo(Scale.S);
        assertThat(Scale.parse("M")).isEqualTo(Scale.M);
        assertThat(Scale.parse(" l ")).isEqualTo(Scale.L);
    }

    @Test
    void unknownValueListsTheValidOnes() {
        assertThatThrownBy(() -> Scale.parse("xl"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("xl")
                .hasMessageContaining("demo, S, M, L");
        assertThatThrownBy(() -> Scale.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("demo, S, M, L");
    }

    @Test
    void baseNumbersAreThoseOfTheBenchmarkPlan() {
        assertThat(Scale.DEMO.tableSizes())
                .containsEntry("tenants", 3L)
                .containsEntry("users", 2_000L)
                .containsEntry("courses", 60L)
                .containsEntry("submissions", 50_000L)
                .containsEntry("analytics_events", 200_000L);
        assertThat(Scale.S.tableSizes())
                .containsEntry("tenants", 20L)
                .containsEntry("users", 20_000L)
                .containsEntry("submissions", 1_000_000L);
        assertThat(Scale.L.analyticsEvents()).isGreaterThanOrEqualTo(30_000_000L);
    }

    /** The generator relies on these: it picks exactly n rows out of the candidate pairs. */
    @ParameterizedTest
    @EnumSource(Scale.class)
    void derivedSizesLeaveEnoughCandidates(Scale scale) {
        long minAssignmentsPerCourse = scale.assignmentsPerCourse() - 1;
        assertThat(minAssignmentsPerCourse * scale.enrollments()).isGreaterThanOrEqualTo(scale.submissions());
        assertThat(8 * scale.enrollments()).isGreaterThanOrEqualTo(scale.progress());
        assertThat(2 * scale.enrollments()).isGreaterThanOrEqualTo(scale.quizAttempts());
        assertThat(scale.portfolios()).isLessThanOrEqualTo(scale.users() * 9 / 10);
        assertThat(scale.tableSizes())
                .hasSize(33)
                .allSatisfy((table, rows) -> assertThat(rows).isPositive());
    }
}
