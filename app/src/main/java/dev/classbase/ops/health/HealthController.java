package dev.classbase.ops.health;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/admin/database/health}: the database's state in one bounded call (operators only,
 * by the authentication filter's {@code /api/v1/admin/**} rule). {@code ./classbase health} prints it.
 */
@RestController
@EnableConfigurationProperties(HealthProperties.class)
class HealthController {
    private final HealthSummary health;

    HealthController(HealthSummary health) {
        this.health = health;
    }

    @GetMapping("/api/v1/admin/database/health")
    HealthSummary.Report health() {
        return health.report();
    }
}
