package dev.classbase.ops.health;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The health summary ({@code classbase.console.health.*}): {@code budget} is the time one summary
 * may take in all (1 s to 60 s); {@code top} how many rows each list keeps (slow statements, tables,
 * unused indexes, tables missing an index; 1 to 50). Out-of-range values are clamped with a warning
 * naming the setting.
 */
@ConfigurationProperties("classbase.console.health")
record HealthProperties(
        @DefaultValue("10s") Duration budget,
        @DefaultValue("5") int top) {
    private static final Logger log = LoggerFactory.getLogger(HealthProperties.class);
    private static final Duration MIN_BUDGET = Duration.ofSeconds(1);
    private static final Duration MAX_BUDGET = Duration.ofSeconds(60);

    HealthProperties {
        Duration clamped =
                budget.compareTo(MIN_BUDGET) < 0 ? MIN_BUDGET : budget.compareTo(MAX_BUDGET) > 0 ? MAX_BUDGET : budget;
        if (!clamped.equals(budget)) {
            log.warn("classbase.console.health.budget={} is outside 1s..60s; using {}", budget, clamped);
        }
        budget = clamped;
        int t = Math.max(1, Math.min(50, top));
        if (t != top) {
            log.warn("classbase.console.health.top={} is outside 1..50; using {}", top, t);
        }
        top = t;
    }

    static HealthProperties defaults() {
        return new HealthProperties(Duration.ofSeconds(10), 5);
    }
}
