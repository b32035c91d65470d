package dev.classbase.ops.space;

import dev.classbase.data.pool.Pools;
import java.sql.SQLException;
import java.time.Duration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Space for the console; admin-only by the authentication filter's {@code /api/v1/admin/**} rule. */
@RestController
class SpaceController {
    private final Space space;

    SpaceController(Pools pools) {
        this.space = new Space(pools.primary(), Duration.ofSeconds(10));
    }

    @GetMapping("/api/v1/admin/database/space")
    Space.Report space() throws SQLException {
        return space.report();
    }
}
