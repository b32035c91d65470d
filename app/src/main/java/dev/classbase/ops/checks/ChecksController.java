package dev.classbase.ops.checks;

import dev.classbase.web.ApiException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/admin/database/checks} and {@code .../checks/{name}} (admins only, by the auth filter). */
@RestController
class ChecksController {
    private final Checks checks;

    ChecksController(Checks checks) {
        this.checks = checks;
    }

    record Overview(String status, List<Check> checks) {}

    @GetMapping("/api/v1/admin/database/checks")
    Overview all() {
        List<Check> all = checks.all();
        String worst =
                all.stream().map(Check::status).reduce(Check.GREEN, (a, b) -> Check.rank(b) > Check.rank(a) ? b : a);
        return new Overview(worst, all);
    }

    @GetMapping("/api/v1/admin/database/checks/{name}")
    Check one(@PathVariable String name) {
        return checks.one(name)
                .orElseThrow(() -> new ApiException(
                        HttpStatus.BAD_REQUEST,
                        "Invalid request",
                        "name: unknown check '" + name + "'; valid: " + String.join(", ", Checks.NAMES),
                        Map.of("field", "name", "valid", Checks.NAMES)));
    }
}
