package dev.classbase.platform.gradebook;

import dev.classbase.web.auth.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/sections/{id}/gradebook}: every student x every assignment of a section. */
@RestController
class GradebookController {
    private final GradebookService service;

    GradebookController(GradebookService service) {
        this.service = service;
    }

    @GetMapping("/api/v1/sections/{id}/gradebook")
    Gradebook gradebook(Caller caller, @PathVariable long id) {
        return service.section(caller, id);
    }
}
