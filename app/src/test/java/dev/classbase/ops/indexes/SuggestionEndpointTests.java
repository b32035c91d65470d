package dev.classbase.ops.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/admin/database/indexes/suggestions} and {@code .../suggestions/migration} on
 * the demo app (embedded PostgreSQL 17, no HypoPG): operators only, unvalidated with the reason, bad
 * bounds refused by name, and the migration a script of comments and CONCURRENTLY statements.
 */
class SuggestionEndpointTests {
    private static final String PATH = "/api/v1/admin/database/indexes/suggestions";

    @Test
    void adminsGetSuggestionsOthersDoNot() {
        TestApp app = TestApp.shared();
        for (String path : new String[] {PATH, PATH + "/migration"}) {
            assertThat(app.get(path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(app.get(path, app.signIn("student1@northwood.demo")).statusCode())
                    .as(path)
                    .isEqualTo(403);
        }
        HttpResponse<String> ok = app.get(PATH, app.signInOperator());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode body = TestApp.json(ok);
        assertThat(body.get("statementsAvailable").asBoolean()).as(ok.body()).isTrue();
        assertThat(body.get("validated").asBoolean()).isFalse();
        assertThat(body.get("note").asString()).contains("hypopg").contains("CREATE EXTENSION hypopg");
        assertThat(body.get("minCutPercent").asDouble()).isEqualTo(50.0);
        assertThat(body.get("statementsExamined").asInt()).isPositive();
        assertThat(body.get("covered").isArray()).isTrue();
        for (JsonNode s : body.get("suggestions")) {
            assertThat(s.get("validated").asBoolean()).isFalse();
            assertThat(s.get("cutPercent").isNull()).isTrue();
            assertThat(s.get("createStatement").asString()).startsWith("create index concurrently if not exists ");
        }
    }

    @Test
    void badBoundsAreRefusedByName() {
        TestApp app = TestApp.shared();
        String operator = app.signInOperator();
        HttpResponse<String> cut = app.get(PATH + "?minCut=150", operator);
        assertThat(cut.statusCode()).isEqualTo(400);
        assertThat(TestApp.json(cut).get("field").asString()).isEqualTo("minCut");
        HttpResponse<String> top = app.get(PATH + "/migration?top=0", operator);
        assertThat(top.statusCode()).isEqualTo(400);
        assertThat(TestApp.json(top).get("field").asString()).isEqualTo("top");
    }

    @Test
    void theMigrationIsAFlywayScript() {
        TestApp app = TestApp.shared();
        HttpResponse<String> r = app.get(PATH + "/migration?includeUnvalidated=true", app.signInOperator());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String file = r.headers().firstValue("Content-Disposition").orElse("");
        assertThat(file).containsPattern("filename=\"V\\d+__index_suggestions\\.sql\"");
        int version = Integer.parseInt(file.replaceAll(".*\"V(\\d+)__.*", "$1"));
        assertThat(version).isGreaterThan(60); // after the application's own migrations (V60 and on)
        assertThat(r.body())
                .startsWith("-- V" + version + "__index_suggestions.sql\n")
                .contains("NOT validated");
        for (String line : r.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("--")) {
                assertThat(line).matches("create index concurrently if not exists \\S+ on \\S+ \\(.+\\)( where .+)?;");
            }
        }
    }
}
