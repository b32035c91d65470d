package dev.classbase.platform.atrisk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;

/** Asserts the error contract on an HTTP response: the status, problem+json, the field named. */
public final class Problems {
    private Problems() {}

    /** {@code field} null: no field to name (401, 403, 404). */
    public static void assertProblem(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        if (field != null) {
            assertThat(TestApp.json(response).path("field").asString())
                    .as(response.body())
                    .isEqualTo(field);
        }
    }
}
