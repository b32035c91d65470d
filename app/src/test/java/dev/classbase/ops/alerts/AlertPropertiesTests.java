package dev.classbase.ops.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Settings are validated at start: a bad webhook fails, out-of-range numbers are clamped. */
class AlertPropertiesTests {
    private static AlertProperties with(Duration warning, Duration critical, double disk, URI webhook, int attempts) {
        return new AlertProperties(
                true,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofHours(4),
                Duration.ofDays(30),
                warning,
                critical,
                List.of(),
                80,
                5,
                Duration.ofMinutes(5),
                20,
                95,
                Duration.ofSeconds(60),
                disk,
                Duration.ofSeconds(5),
                webhook,
                Duration.ofSeconds(5),
                attempts,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5));
    }

    @Test
    void theDefaultsAreSeed003s() {
        AlertProperties p = AlertProperties.defaults();
        assertThat(Rule.SLOW_QUERY.thresholds(p)).containsEntry("warning", 1.0).containsEntry("critical", 5.0);
        assertThat(Rule.CONNECTIONS.thresholds(p)).containsEntry("warning", 80.0);
        assertThat(Rule.ERROR_RATE.thresholds(p)).containsEntry("critical", 5.0);
        assertThat(Rule.CACHE_HIT.thresholds(p)).containsEntry("warning", 95.0);
        assertThat(Rule.REPLICATION_LAG.thresholds(p)).containsEntry("warning", 60.0);
        assertThat(Rule.DISK.thresholds(p)).containsEntry("critical", 85.0);
        assertThat(p.cooldown()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aWebhookThatIsNotHttpFailsAtStart() {
        assertThatThrownBy(() -> with(Duration.ofSeconds(1), Duration.ofSeconds(5), 85, URI.create("ftp://h/x"), 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("classbase.alerts.webhook-url");
        assertThat(with(Duration.ofSeconds(1), Duration.ofSeconds(5), 85, URI.create("https://hooks.example/a"), 5)
                        .webhookUrl())
                .hasHost("hooks.example");
    }

    @Test
    void outOfRangeValuesAreClamped() {
        AlertProperties p = with(Duration.ofSeconds(2), Duration.ofMillis(500), 150, null, 50);
        assertThat(p.slowQueryCritical()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.diskPercent()).isEqualTo(100);
        assertThat(p.webhookAttempts()).isEqualTo(10);
    }

    @Test
    void theRulesJudgeAtTheirThresholdsNotBefore() {
        AlertProperties p = AlertProperties.defaults();
        assertThat(Rule.SLOW_QUERY.judge(1.0, p).firing()).isFalse();
        assertThat(Rule.SLOW_QUERY.judge(1.01, p).severity()).isEqualTo("warning");
        assertThat(Rule.SLOW_QUERY.judge(5.01, p).severity()).isEqualTo("critical");
        assertThat(Rule.CACHE_HIT.judge(95.0, p).firing()).isFalse();
        assertThat(Rule.CACHE_HIT.judge(94.99, p).severity()).isEqualTo("warning");
        assertThat(Rule.ERROR_RATE.judge(5.0, p).firing()).isFalse();
    }
}
