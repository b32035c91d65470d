package dev.classbase.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The OpenAPI document says what the server takes: no parameter that is not one, the true shapes. */
class OpenApiDocumentTests {
    private static JsonNode document;

    @BeforeAll
    static void read() {
        var response = TestApp.shared().get("/v3/api-docs", null);
        assertThat(response.statusCode()).isEqualTo(200);
        document = TestApp.json(response);
    }

    @Test
    void theCallerIsNoParameter() {
        List<String> named = new ArrayList<>();
        document.path("paths")
                .properties()
                .forEach(path -> path.getValue()
                        .properties()
                        .forEach(op -> op.getValue()
                                .path("parameters")
                                .forEach(p -> named.add(op.getKey() + " " + path.getKey() + " "
                                        + p.path("name").asString()))));
        assertThat(named).isNotEmpty().noneMatch(n -> n.endsWith(" caller"));
        // it comes from the bearer token; its fields are no query parameters either
        assertThat(named).noneMatch(n -> n.endsWith(" tenantId") || n.endsWith(" role"));
        assertThat(document.path("components").path("schemas").has("Caller")).isFalse();
    }

    @Test
    void anEventPayloadIsAnObjectOrNull() {
        JsonNode payload = document.path("components")
                .path("schemas")
                .path("Event")
                .path("properties")
                .path("payload");
        assertThat(payload.isMissingNode())
                .as(document.path("components").toString())
                .isFalse();
        List<String> types = new ArrayList<>();
        if (payload.path("type").isArray()) {
            payload.path("type").forEach(t -> types.add(t.asString()));
        } else {
            types.add(payload.path("type").asString());
            if (payload.path("nullable").asBoolean(false)) {
                types.add("null");
            }
        }
        assertThat(types).as(payload.toString()).containsExactlyInAnyOrder("object", "null");
    }
}
