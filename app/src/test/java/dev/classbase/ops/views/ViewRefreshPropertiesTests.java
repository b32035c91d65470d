package dev.classbase.ops.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code classbase.views.*}: DOMAIN.md's intervals by default, overrides by view name, bad values clamped or refused. */
class ViewRefreshPropertiesTests {

    @Test
    void hourlyExceptTheUserLearningSummaryEveryThirtyMinutes() {
        ViewRegistry registry = ViewRegistry.of(ViewProperties.defaults());
        assertThat(registry.views())
                .allSatisfy(v -> assertThat(v.interval())
                        .isEqualTo(
                                v.name().equals("mv_user_learning_summary")
                                        ? Duration.ofMinutes(30)
                                        : Duration.ofHours(1)));
        assertThat(registry.find("daily_platform_metrics").orElseThrow().dependsOn())
                .containsExactly("mv_daily_active_users");
        assertThat(registry.find("mv_instructor_performance").orElseThrow().dependsOn())
                .containsExactly("mv_course_analytics");
    }

    @Test
    void anIntervalIsSetByViewNameWithOrWithoutPrefixAndClampedWhenOutOfRange() {
        ViewProperties properties = new ViewProperties(
                true,
                Duration.ofHours(2),
                Map.of("content-metrics", Duration.ofMinutes(15), "mv_course_analytics", Duration.ofSeconds(5)),
                Duration.ofMinutes(30));
        assertThat(properties.intervalOf("mv_content_metrics")).isEqualTo(Duration.ofMinutes(15));
        assertThat(properties.intervalOf("mv_course_analytics")).isEqualTo(Duration.ofMinutes(1));
        assertThat(properties.intervalOf("mv_user_learning_summary")).isEqualTo(Duration.ofMinutes(30));
        assertThat(properties.intervalOf("mv_daily_active_users")).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void anUnknownViewFailsAtStart() {
        assertThatThrownBy(() -> new ViewProperties(
                        true, Duration.ofHours(1), Map.of("daily-users", Duration.ofHours(1)), Duration.ofMinutes(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("classbase.views.intervals: 'daily-users' is not a view");
    }
}
