package dev.classbase.platform.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.cache.Caches;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Sign-in, token expiry and sign-out over HTTP, on the demo district. */
class SessionControllerTests {
    private static TestApp app;
    private static JdbcClient owner;

    @BeforeAll
    static void start() {
        app = TestApp.shared();
        owner = JdbcClient.create(TestCluster.shared().primaryDataSource());
    }

    private static HttpResponse<String> signIn(String email, String password) {
        return app.post("/api/v1/sessions", null, "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
    }

    @Test
    void signInAnswersTokenUserAndExpiryAndRecordsTheSignIn() {
        OffsetDateTime before = OffsetDateTime.now().minusSeconds(5);
        HttpResponse<String> response = signIn("Teacher1@Northwood.demo", DemoAccounts.PASSWORD);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode body = TestApp.json(response);
        String token = body.path("token").asString();
        assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(body.path("user").path("email").asString()).isEqualTo("teacher1@northwood.demo");
        assertThat(body.path("user").path("role").asString()).isEqualTo("teacher");
        assertThat(body.path("user").path("fullName").asString()).isNotBlank();
        long userId = body.path("user").path("id").asLong();
        long tenantId = body.path("user").path("tenantId").asLong();
        OffsetDateTime expiresAt = OffsetDateTime.parse(body.path("expiresAt").asString());
        assertThat(expiresAt)
                .isBetween(
                        before.plusHours(12), OffsetDateTime.now().plusHours(12).plusSeconds(5));

        // only the hash is stored, and the sign-in is recorded
        Long stored = owner.sql("select count(*) from user_sessions where token_hash = sha256(decode(:t, 'base64'))")
                .param("t", base64(token))
                .query(Long.class)
                .single();
        assertThat(stored).isOne();
        OffsetDateTime lastSignIn = owner.sql("select last_sign_in_at from users where tenant_id = :t and id = :u")
                .param("t", tenantId)
                .param("u", userId)
                .query(OffsetDateTime.class)
                .single();
        assertThat(lastSignIn).isAfter(before);

        HttpResponse<String> me = app.get("/api/v1/users/me", token);
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(TestApp.json(me).path("id").asLong()).isEqualTo(userId);
    }

    @Test
    void wrongPasswordAndUnknownEmailGetTheSameAnswer() {
        HttpResponse<String> wrongPassword = signIn("student1@northwood.demo", "not-the-password");
        HttpResponse<String> unknownEmail = signIn("nobody@northwood.demo", DemoAccounts.PASSWORD);

        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(unknownEmail.statusCode()).isEqualTo(401);
        assertThat(wrongPassword.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(TestApp.json(wrongPassword).path("detail").asString())
                .isEqualTo(TestApp.json(unknownEmail).path("detail").asString())
                .isEqualTo(SessionService.INVALID);
    }

    @Test
    void anInactiveUserCannotSignIn() {
        String email = owner.sql("""
                update users set is_active = false
                where id = (select min(id) from users where role = 'student' and is_active
                            and tenant_id = (select id from tenants where slug = 'lakeside'))
                returning email
                """).query(String.class).single();
        try {
            HttpResponse<String> response = signIn(email, DemoAccounts.PASSWORD);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(TestApp.json(response).path("detail").asString()).isEqualTo(SessionService.INVALID);
        } finally {
            owner.sql("update users set is_active = true where email = :e")
                    .param("e", email)
                    .update();
        }
    }

    @Test
    void missingFieldsAre400NamingTheField() {
        HttpResponse<String> response = app.post("/api/v1/sessions", null, "{\"email\":\"a@b.c\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestApp.json(response).path("field").asString()).isEqualTo("password");
    }

    @Test
    void anExpiredTokenIs401() {
        String token = app.signIn("student2@northwood.demo");
        assertThat(app.get("/api/v1/users/me", token).statusCode()).isEqualTo(200);

        owner.sql("""
                update user_sessions set created_at = now() - interval '2 days', expires_at = now() - interval '1 second'
                where token_hash = sha256(decode(:t, 'base64'))
                """).param("t", base64(token)).update();
        // the token is cached until its own expiry or the cache's time to live; forgetting the
        // cached sessions stands for that time passing (SessionCacheTests covers the cache itself)
        app.bean(Caches.class).invalidateAll("sessions");

        HttpResponse<String> response = app.get("/api/v1/users/me", token);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer").contains("invalid_token"));
    }

    @Test
    void signOutEndsTheSession() {
        String token = app.signIn("student3@northwood.demo");
        assertThat(app.get("/api/v1/users/me", token).statusCode()).isEqualTo(200);

        HttpResponse<String> out = app.send("DELETE", "/api/v1/sessions/current", token, null, Map.of());
        assertThat(out.statusCode()).isEqualTo(204);

        assertThat(app.get("/api/v1/users/me", token).statusCode()).isEqualTo(401);
        assertThat(app.send("DELETE", "/api/v1/sessions/current", token, null, Map.of())
                        .statusCode())
                .isEqualTo(401);
    }

    /** base64url without padding to standard base64 with padding, for PostgreSQL's decode. */
    static String base64(String token) {
        String s = token.replace('-', '+').replace('_', '/');
        return s + "=".repeat((4 - s.length() % 4) % 4);
    }
}
