package dev.classbase.platform.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.web.ApiException;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Date ranges: defaults, the configurable maximum, and each bad input naming its parameter. */
class DashboardDateRangeTests {
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 30);
    private static final DashboardProperties DEFAULTS = new DashboardProperties(366, 30);

    @Test
    void missingBoundsMeanTheDefaultRangeEndingToday() {
        assertThat(DateRange.parse(null, null, DEFAULTS, TODAY))
                .isEqualTo(new DateRange(LocalDate.of(2026, 11, 1), TODAY));
        assertThat(DateRange.parse("2026-11-30", "2026-11-30", DEFAULTS, TODAY).from())
                .isEqualTo(TODAY);
    }

    @Test
    void theMaximumIsConfigurableAndInclusive() {
        DashboardProperties week = new DashboardProperties(7, 30);
        assertThat(week.defaultRangeDays()).as("clamped to the maximum").isEqualTo(7);
        assertThat(DateRange.parse("2026-11-24", "2026-11-30", week, TODAY).from())
                .isEqualTo(LocalDate.of(2026, 11, 24));
        assertField(() -> DateRange.parse("2026-11-23", "2026-11-30", week, TODAY), "to");
        assertField(() -> DateRange.parse("2024-01-01", null, DEFAULTS, TODAY), "from");
        assertThat(new DashboardProperties(0, 0).maxRangeDays()).isEqualTo(1);
        assertThat(new DashboardProperties(100_000, 30).maxRangeDays()).isEqualTo(3660);
    }

    @Test
    void badInputNamesTheParameter() {
        assertField(() -> DateRange.parse("2026-11-30", "2026-11-01", DEFAULTS, TODAY), "from");
        assertField(() -> DateRange.parse("2026-02-30", "2026-11-01", DEFAULTS, TODAY), "from");
        assertField(() -> DateRange.parse("2026-11-01", "tomorrow", DEFAULTS, TODAY), "to");
        assertField(() -> DateRange.parse("", null, DEFAULTS, TODAY), "from");
        assertField(() -> UserId.parse("-3"), "id");
        assertThat(UserId.parse("42")).isEqualTo(42);
    }

    private static void assertField(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status().value()).isEqualTo(400);
            assertThat(e.properties()).containsEntry("field", field);
        });
    }
}
