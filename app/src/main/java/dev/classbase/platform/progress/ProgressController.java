package dev.classbase.platform.progress;

import dev.classbase.web.auth.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/courses/{courseId}/progress?userId=} (the caller's own without userId). */
@RestController
class ProgressController {
    private final ProgressService service;

    ProgressController(ProgressService service) {
        this.service = service;
    }

    @GetMapping("/api/v1/courses/{courseId}/progress")
    CourseProgress progress(Caller caller, @PathVariable long courseId, @RequestParam(required = false) Long userId) {
        return service.progress(caller, courseId, userId);
    }
}
