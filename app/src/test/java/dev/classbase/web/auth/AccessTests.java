package dev.classbase.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The role rules over HTTP on the demo district: a wrong role is 403, another tenant's id is 404
 * for every role (never 403, which would confirm that it exists), and the OpenAPI document is
 * public.
 */
class AccessTests {
    private static TestApp app;
    private static JdbcClient owner;

    @BeforeAll
    static void start() {
        app = TestApp.shared();
        owner = JdbcClient.create(TestCluster.shared().primaryDataSource());
    }

    /** The instructor of a northwood course that has a section, and that section. */
    private static Object[] aTeacherAndTheirSection() {
        return owner.sql("""
                select u.email, s.id
                from sections as s
                join courses as c on c.tenant_id = s.tenant_id and c.id = s.course_id
                join users as u on u.tenant_id = c.tenant_id and u.id = c.instructor_id
                join tenants as t on t.id = u.tenant_id
                where t.slug = 'northwood' and u.role = 'teacher' and u.is_active
                order by s.id
                limit 1
                """)
                .query((rs, n) -> new Object[] {rs.getString(1), rs.getLong(2)})
                .single();
    }

    /** A section and its course in the tenant of {@code slug}. */
    private static long[] sectionOf(String slug) {
        return owner.sql("""
                select s.id, s.course_id
                from sections as s
                join tenants as t on t.id = s.tenant_id
                where t.slug = :slug
                order by s.id
                limit 1
                """)
                .param("slug", slug)
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(TestApp.json(response).path("status").asInt()).isEqualTo(status);
    }

    @Test
    void theOpenApiDocumentIsServedWithoutAToken() {
        HttpResponse<String> response = app.get("/v3/api-docs", null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode paths = TestApp.json(response).path("paths");
        assertThat(paths.has("/api/v1/sessions")).as(paths.toString()).isTrue();
        assertThat(paths.path("/api/v1/sessions").has("post")).isTrue();
        assertThat(paths.has("/api/v1/sections/{id}/gradebook")).isTrue();
    }

    @Test
    void aStudentAskingForATeachersReportIs403() {
        String student = app.signIn("student1@northwood.demo");
        long[] section = sectionOf("northwood");

        assertProblem(app.get("/api/v1/sections/" + section[0] + "/gradebook", student), 403);
        assertProblem(app.get("/api/v1/courses/" + section[1] + "/at-risk", student), 403);
    }

    @Test
    void aTeacherSeesTheGradebookOfTheirOwnSection() {
        Object[] teacherAndSection = aTeacherAndTheirSection();
        HttpResponse<String> response = app.get(
                "/api/v1/sections/" + teacherAndSection[1] + "/gradebook", app.signIn((String) teacherAndSection[0]));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void anotherTenantsSectionAndCourseAre404ForEveryRole() {
        long[] riverside = sectionOf("riverside");
        long unknown = 999_999_999L;
        for (String email :
                new String[] {"admin@northwood.demo", "teacher1@northwood.demo", "student1@northwood.demo"}) {
            String token = app.signIn(email);
            HttpResponse<String> other = app.get("/api/v1/sections/" + riverside[0] + "/gradebook", token);
            HttpResponse<String> none = app.get("/api/v1/sections/" + unknown + "/gradebook", token);
            if (email.startsWith("student")) {
                // the role rule comes first and says nothing about the id: same 403 for both
                assertProblem(other, 403);
                assertProblem(none, 403);
                continue;
            }
            assertProblem(other, 404);
            assertProblem(none, 404);
            assertThat(TestApp.json(other).path("title").asString())
                    .isEqualTo(TestApp.json(none).path("title").asString());
            assertProblem(app.get("/api/v1/courses/" + riverside[1] + "/at-risk", token), 404);
        }
    }
}
