package dev.classbase.ops.indexes;

import dev.classbase.data.pool.Pools;
import dev.classbase.web.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/admin/database/indexes/suggestions[?minCut=50&top=20]}: the index advisor's
 * suggestions; {@code .../suggestions/migration[?includeUnvalidated=true]}: the same as a Flyway
 * script (text/plain) numbered after the application's own migrations. Admin-only by the
 * authentication filter's {@code /api/v1/admin/**} rule; runs on the primary's pool, read-only.
 */
@RestController
@EnableConfigurationProperties(AdvisorProperties.class)
class SuggestionController {
    private final Advisor advisor;

    SuggestionController(Pools pools, AdvisorProperties properties) {
        this.advisor = new Advisor(pools.primary(), properties);
    }

    @GetMapping("/api/v1/admin/database/indexes/suggestions")
    SuggestionReport suggestions(
            @RequestParam(required = false) Double minCut, @RequestParam(required = false) Integer top)
            throws SQLException {
        return advisorFor(minCut, top).suggest();
    }

    @GetMapping(value = "/api/v1/admin/database/indexes/suggestions/migration", produces = "text/plain")
    ResponseEntity<String> migration(
            @RequestParam(required = false) Double minCut,
            @RequestParam(required = false) Integer top,
            @RequestParam(defaultValue = "false") boolean includeUnvalidated)
            throws SQLException {
        SuggestionReport report = advisorFor(minCut, top).suggest();
        int version = SuggestionMigration.nextVersion(migrationFiles());
        String script = "-- " + SuggestionMigration.fileName(version) + "\n"
                + SuggestionMigration.render(report, includeUnvalidated, Instant.now());
        return ResponseEntity.ok()
                .contentType(MediaType.TEXT_PLAIN)
                .header("Content-Disposition", "attachment; filename=\"" + SuggestionMigration.fileName(version) + "\"")
                .body(script);
    }

    private Advisor advisorFor(Double minCut, Integer top) {
        AdvisorProperties settings = advisor.settings();
        if (minCut != null) {
            if (minCut.isNaN() || minCut < 0 || minCut > 100) {
                throw ApiException.badRequest("minCut", "must be a percentage between 0 and 100");
            }
            settings = settings.withMinCutPercent(minCut);
        }
        if (top != null) {
            if (top < 1 || top > AdvisorProperties.MAX_TOP_STATEMENTS) {
                throw ApiException.badRequest("top", "must be between 1 and " + AdvisorProperties.MAX_TOP_STATEMENTS);
            }
            settings = settings.withTopStatements(top);
        }
        return settings == advisor.settings() ? advisor : advisor.with(settings);
    }

    /** The application's own migrations, so the script's version comes after all of them. */
    private static List<String> migrationFiles() {
        try {
            List<String> names = new ArrayList<>();
            for (Resource r :
                    new PathMatchingResourcePatternResolver().getResources("classpath*:db/migration/V*.sql")) {
                names.add(r.getFilename());
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
