package dev.classbase.platform.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.data.cache.Caches;
import dev.classbase.platform.operators.OperatorAccounts;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Operators sign in at the users' endpoint, get a session of their own (operator_sessions, token
 * prefix {@code op.}) in the same token cache, bind no tenant and get no tenant endpoint.
 */
class OperatorSessionTests {
    private static TestApp app;
    private static OperatorAccounts accounts;

    @BeforeAll
    static void start() {
        app = TestApp.shared();
        app.addDemoOperator();
        accounts = new OperatorAccounts(TestCluster.shared().primaryDataSource());
    }

    @Test
    void anOperatorSignsInWithNoTenant() {
        HttpResponse<String> r = app.post(
                "/api/v1/sessions",
                null,
                "{\"email\":\"OPERATOR@classbase.demo\",\"password\":\"" + DemoAccounts.PASSWORD + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode body = TestApp.json(r);
        assertThat(body.path("token").asString())
                .startsWith(Tokens.OPERATOR_PREFIX)
                .hasSize(46);
        assertThat(body.at("/user/role").asString()).isEqualTo("operator");
        assertThat(body.at("/user/email").asString()).isEqualTo(DemoAccounts.OPERATOR);
        assertThat(body.at("/user/tenantId").isNull()
                        || body.at("/user/tenantId").isMissingNode())
                .as(r.body())
                .isTrue();

        HttpResponse<String> whoami =
                app.get("/api/v1/admin/whoami", body.path("token").asString());
        assertThat(whoami.statusCode()).as(whoami.body()).isEqualTo(200);
        assertThat(TestApp.json(whoami).path("role").asString()).isEqualTo("operator");
    }

    @Test
    void aWrongPasswordIsTheSame401AsAnUnknownEmail() {
        HttpResponse<String> wrong = app.post(
                "/api/v1/sessions", null, "{\"email\":\"" + DemoAccounts.OPERATOR + "\",\"password\":\"not-it\"}");
        HttpResponse<String> unknown =
                app.post("/api/v1/sessions", null, "{\"email\":\"nobody@classbase.demo\",\"password\":\"not-it\"}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(TestApp.json(wrong).path("detail").asString())
                .isEqualTo(TestApp.json(unknown).path("detail").asString());
    }

    /** 403, not an empty answer: an operator is no tenant's user, and is told so. */
    @Test
    void anOperatorGetsNoTenantEndpoint() {
        String operator = app.signInOperator();
        for (String path : new String[] {
            "/api/v1/users/me", "/api/v1/courses?limit=5", "/api/v1/sections/1/gradebook", "/api/v1/courses/3/at-risk"
        }) {
            HttpResponse<String> r = app.get(path, operator);
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(r.body()).as(path).contains("belongs to no tenant");
        }
    }

    @Test
    void theLookupIsOneStatementAndNoneOnceCached() {
        String operator = app.signInOperator();
        // whoami runs no SQL: what the request counts is the filter's lookup
        assertThat(app.get("/api/v1/admin/whoami", operator).headers().firstValue("Classbase-Query-Count"))
                .as("cached at sign-in")
                .hasValue("0");
        app.bean(Caches.class).invalidateAll("sessions");
        HttpResponse<String> looked = app.get("/api/v1/admin/whoami", operator);
        assertThat(looked.statusCode()).isEqualTo(200);
        assertThat(looked.headers().firstValue("Classbase-Query-Count")).hasValue("1");
    }

    @Test
    void signingOutEndsTheSession() {
        String operator = app.signInOperator();
        assertThat(app.send("DELETE", "/api/v1/sessions/current", operator, null, Map.of())
                        .statusCode())
                .isEqualTo(204);
        assertThat(app.get("/api/v1/admin/whoami", operator).statusCode()).isEqualTo(401);
        app.bean(Caches.class).invalidateAll("sessions");
        assertThat(app.get("/api/v1/admin/whoami", operator).statusCode()).isEqualTo(401);
    }

    @Test
    void aDisabledOperatorCannotSignInAndItsSessionsStop() {
        String email = "disabled-" + System.nanoTime() + "@example.org";
        accounts.add(email, DemoAccounts.passwordHash());
        String token = app.signIn(email);
        JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());
        owner.sql("update operators set is_active = false where email = :e")
                .param("e", email)
                .update();
        app.bean(Caches.class).invalidateAll("sessions");

        assertThat(app.get("/api/v1/admin/whoami", token).statusCode()).isEqualTo(401);
        assertThat(app.post(
                                "/api/v1/sessions",
                                null,
                                "{\"email\":\"" + email + "\",\"password\":\"" + DemoAccounts.PASSWORD + "\"}")
                        .statusCode())
                .isEqualTo(401);
        accounts.remove(email);
    }

    @Test
    void anOperatorsEmailIsNoUsersAndUniqueAmongOperators() {
        assertThatThrownBy(() -> accounts.add("Admin@Northwood.demo", DemoAccounts.passwordHash()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("belongs to a user");
        assertThatThrownBy(() -> accounts.add("Operator@ClassBase.demo", DemoAccounts.passwordHash()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exists already");
        assertThatThrownBy(() -> accounts.add("not an email", DemoAccounts.passwordHash()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The service role reads operators only through the SECURITY DEFINER functions of V74. */
    @Test
    void theServiceRoleCannotReadTheOperatorsTables() {
        EmbeddedCluster cluster = TestCluster.shared().cluster();
        JdbcClient service = JdbcClient.create(TestCluster.dataSource(cluster.service(cluster.primary())));
        for (String table : new String[] {"operators", "operator_sessions"}) {
            assertThatThrownBy(() -> service.sql("select count(*) from " + table)
                            .query(Long.class)
                            .single())
                    .as(table)
                    .rootCause()
                    .hasMessageContaining("permission denied");
        }
        assertThat(service.sql("select count(*) from classbase_find_operator_login(:e)")
                        .param("e", DemoAccounts.OPERATOR)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }
}
