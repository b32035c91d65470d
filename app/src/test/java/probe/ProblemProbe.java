package probe;

import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Routes that fail in every way the error contract covers, for ProblemAdviceTests. Outside the
 * dev.classbase package so the shared test app's component scan never picks it up; a test app of
 * its own adds it as a source.
 */
public class ProblemProbe {
    @Bean
    Routes problemProbeRoutes(JdbcClient jdbc) {
        return new Routes(jdbc);
    }

    public record Item(@NotNull Integer count, @NotBlank String name, List<Part> parts) {}

    public record Part(int n) {}

    @RestController
    @Validated
    public static class Routes {
        private final JdbcClient jdbc;

        Routes(JdbcClient jdbc) {
            this.jdbc = jdbc;
        }

        @PostMapping("/api/v1/probe/items")
        public Item create(Caller caller, @Valid @RequestBody Item item) {
            return item;
        }

        @GetMapping("/api/v1/probe/items/{id}")
        public String byId(Caller caller, @PathVariable long id) {
            throw ApiException.notFound("item " + id);
        }

        @GetMapping("/api/v1/probe/list")
        public String list(Caller caller, @RequestParam int limit) {
            return "ok";
        }

        @GetMapping("/api/v1/probe/bounded")
        public String bounded(Caller caller, @RequestParam @Max(100) int limit) {
            return "ok";
        }

        @GetMapping("/api/v1/probe/header")
        public String header(Caller caller, @RequestHeader("Idempotency-Key") String key) {
            return key;
        }

        @GetMapping("/api/v1/probe/too-large")
        public String tooLarge(Caller caller) {
            throw ApiException.tooLarge("events", 1000);
        }

        @GetMapping("/api/v1/probe/pool-exhausted")
        public String poolExhausted(Caller caller) {
            throw new CannotGetJdbcConnectionException(
                    "Failed to obtain JDBC Connection",
                    new SQLTransientConnectionException(
                            "primary - Connection is not available, request timed out after 250ms."));
        }

        @GetMapping("/api/v1/probe/slow")
        @Transactional(readOnly = true)
        public String slow(Caller caller) {
            jdbc.sql("select set_config('statement_timeout', '50ms', true)")
                    .query()
                    .singleValue();
            return jdbc.sql("select pg_sleep(2)::text").query(String.class).single();
        }

        @GetMapping("/api/v1/probe/bug")
        public String bug(Caller caller) {
            throw new IllegalStateException("secret internal detail");
        }
    }
}
