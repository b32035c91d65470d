package dev.classbase.platform.catalog;

import dev.classbase.web.auth.Caller;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/courses} (201 with {@code Location}) and {@code PATCH /api/v1/courses/{id}}
 * (200): teachers author their own courses, admins any of the tenant's. Both answer the course as
 * {@code GET /api/v1/courses/{id}} shows it; the write's consistency token comes with it.
 */
@RestController
@RequestMapping("/api/v1/courses")
class CourseAuthoringController {
    private final CourseAuthoringService service;

    CourseAuthoringController(CourseAuthoringService service) {
        this.service = service;
    }

    @PostMapping
    ResponseEntity<CourseDetail> create(Caller caller, @Valid @RequestBody NewCourse course) {
        CourseDetail created = service.create(caller, course);
        return ResponseEntity.created(URI.create("/api/v1/courses/" + created.id()))
                .body(created);
    }

    @PatchMapping("/{id}")
    CourseDetail change(Caller caller, @PathVariable long id, @Valid @RequestBody CourseChanges changes) {
        return service.change(caller, id, changes);
    }
}
