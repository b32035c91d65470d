package dev.classbase.platform.operators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.Endpoint;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code ./classbase operators add|list|remove} as an operator of the platform runs it, then sign-in. */
class OperatorsCommandTests {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final TestApp app = TestApp.shared();

    @Test
    void anAddedOperatorSignsInAndARemovedOneCannot() {
        Map<String, String> env = ownerUrl();
        String email = "ops-cli-" + System.nanoTime() + "@example.org";

        Cli.Result added = Cli.run(env, TIMEOUT, "operators", "add", email);
        assertThat(added.exitCode()).as(added.output()).isZero();
        Matcher password = Pattern.compile("password: (\\S+)").matcher(added.stdout());
        assertThat(password.find()).as(added.stdout()).isTrue();
        String token = signIn(email, password.group(1));
        assertThat(token).startsWith("op.");
        assertThat(app.get("/api/v1/admin/database/checks", token).statusCode()).isEqualTo(200);

        Cli.Result list = Cli.run(env, TIMEOUT, "operators", "list");
        assertThat(list.exitCode()).as(list.output()).isZero();
        assertThat(list.stdout()).containsPattern(Pattern.quote(email) + "\\s+yes\\s+\\S+\\s+1\\R");

        Cli.Result taken = Cli.run(env, TIMEOUT, "operators", "add", email.toUpperCase());
        assertThat(taken.exitCode()).isEqualTo(2);
        assertThat(taken.stderr()).contains("exists already");
        Cli.Result usersEmail = Cli.run(env, TIMEOUT, "operators", "add", "admin@northwood.demo");
        assertThat(usersEmail.exitCode()).isEqualTo(2);
        assertThat(usersEmail.stderr()).contains("belongs to a user of a tenant");

        Cli.Result removed = Cli.run(env, TIMEOUT, "operators", "remove", email);
        assertThat(removed.exitCode()).as(removed.output()).isZero();
        assertThat(app.post("/api/v1/sessions", null, body(email, password.group(1)))
                        .statusCode())
                .isEqualTo(401);
        app.bean(dev.classbase.data.cache.Caches.class).invalidateAll("sessions");
        assertThat(app.get("/api/v1/admin/database/checks", token).statusCode())
                .as("its session went with it")
                .isEqualTo(401);
        assertThat(Cli.run(env, TIMEOUT, "operators", "remove", email).exitCode())
                .isEqualTo(1);
    }

    @Test
    void aPasswordFromStandardInput() {
        Map<String, String> env = ownerUrl();
        String email = "ops-stdin-" + System.nanoTime() + "@example.org";

        Cli.Result tooShort = Cli.runWithInput(env, TIMEOUT, "short\n", "operators", "add", email, "--password-stdin");
        assertThat(tooShort.exitCode()).isEqualTo(2);
        assertThat(tooShort.stderr()).contains("at least 12 characters");

        Cli.Result added = Cli.runWithInput(
                env, TIMEOUT, "a long enough passphrase\n", "operators", "add", email, "--password-stdin");
        assertThat(added.exitCode()).as(added.output()).isZero();
        assertThat(added.stdout()).doesNotContain("password:");
        assertThat(signIn(email, "a long enough passphrase")).startsWith("op.");
        assertThat(Cli.run(env, TIMEOUT, "operators", "remove", email).exitCode())
                .isZero();
    }

    private String signIn(String email, String password) {
        HttpResponse<String> r = app.post("/api/v1/sessions", null, body(email, password));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return TestApp.json(r).path("token").asString();
    }

    private static String body(String email, String password) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
    }

    /** The shared test database, as its owner: the operators table is the owner's. */
    private static Map<String, String> ownerUrl() {
        Endpoint primary = TestCluster.shared().cluster().primary();
        return Map.of(
                "CLASSBASE_DATABASE_URL",
                "postgresql://" + primary.user() + ":" + primary.password() + "@127.0.0.1:" + primary.port() + "/"
                        + primary.database());
    }
}
