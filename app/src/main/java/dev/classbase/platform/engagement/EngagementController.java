package dev.classbase.platform.engagement;

import dev.classbase.web.auth.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/courses/{courseId}/students/{userId}/engagement}. */
@RestController
class EngagementController {
    private final EngagementService service;

    EngagementController(EngagementService service) {
        this.service = service;
    }

    @GetMapping("/api/v1/courses/{courseId}/students/{userId}/engagement")
    Engagement engagement(Caller caller, @PathVariable long courseId, @PathVariable long userId) {
        return service.engagement(caller, courseId, userId);
    }
}
