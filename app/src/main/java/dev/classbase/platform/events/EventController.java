package dev.classbase.platform.events;

import dev.classbase.web.auth.Caller;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/events} with {@code {"events": [{"kind", "occurredAt", "payload", "userId"?}]}}:
 * 202 and {@code {"accepted": n}}; more than {@value EventService#MAX_BATCH} events: 413.
 * {@code GET /api/v1/users/{userId}/events?cursor=&limit=}: the user's last 90 days, newest first.
 */
@RestController
class EventController {
    private final EventService service;

    EventController(EventService service) {
        this.service = service;
    }

    @GetMapping("/api/v1/users/{userId}/events")
    EventPage ofUser(
            Caller caller,
            @PathVariable long userId,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return service.ofUser(caller, userId, cursor, limit);
    }

    @PostMapping("/api/v1/events")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, Integer> ingest(Caller caller, @RequestBody EventBatch batch) {
        return Map.of("accepted", service.ingest(caller, batch));
    }
}
