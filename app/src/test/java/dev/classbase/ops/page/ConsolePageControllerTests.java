package dev.classbase.ops.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The console page's files are served without a token; the admin API it calls still needs one. */
class ConsolePageControllerTests {
    private final TestApp app = TestApp.shared();

    @Test
    void theBarePathGainsItsSlash() {
        HttpResponse<String> r = app.get("/admin", null);
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/admin/"));
    }

    @Test
    void thePageAndItsFilesNeedNoToken() {
        HttpResponse<String> page = app.get("/admin/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("classbase console", "console.js", "console.css");

        HttpResponse<String> script = app.get("/admin/console.js", null);
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("javascript"));
        assertThat(script.body()).contains("admin/database/");

        HttpResponse<String> style = app.get("/admin/console.css", null);
        assertThat(style.statusCode()).isEqualTo(200);
        assertThat(style.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
    }

    @Test
    void theApiBehindThePageStillNeedsAnAdminToken() {
        assertThat(app.get("/api/v1/admin/database/checks", null).statusCode()).isEqualTo(401);
        String student = app.signIn("student1@northwood.demo");
        assertThat(app.get("/api/v1/admin/database/checks", student).statusCode())
                .isEqualTo(403);
    }
}
