package dev.classbase.platform.enrollment;

import dev.classbase.data.cache.CacheTags;
import dev.classbase.data.cache.CachedReads;
import dev.classbase.data.cache.RegionProperties;
import dev.classbase.web.auth.Caller;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;

/**
 * {@code POST /api/v1/enrollments} (201 new or re-activated, 200 already enrolled),
 * {@code DELETE /api/v1/enrollments/{id}} (status becomes dropped; also {@code POST .../drop}),
 * {@code GET /api/v1/users/{userId}/enrollments?status=}.
 */
@RestController
@RequestMapping("/api/v1")
class EnrollmentController {
    private static final TypeReference<List<Enrollment>> ENROLLMENTS = new TypeReference<>() {};

    private final EnrollmentService service;
    private final CachedReads reads;

    EnrollmentController(EnrollmentService service, CachedReads reads) {
        this.service = service;
        this.reads = reads;
    }

    @PostMapping("/enrollments")
    ResponseEntity<Enrollment> enroll(Caller caller, @Valid @RequestBody EnrollRequest request) {
        EnrollmentService.Outcome outcome = service.enroll(caller, request);
        return ResponseEntity.status(outcome.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(outcome.enrollment());
    }

    @DeleteMapping("/enrollments/{id}")
    Enrollment drop(Caller caller, @PathVariable long id) {
        return service.drop(caller, id);
    }

    @PostMapping("/enrollments/{id}/drop")
    Enrollment dropByPost(Caller caller, @PathVariable long id) {
        return service.drop(caller, id);
    }

    @GetMapping("/users/{userId}/enrollments")
    List<Enrollment> ofUser(Caller caller, @PathVariable long userId, @RequestParam(required = false) String status) {
        // the caller is in the key: whether they may see this user's list is part of the answer
        var read = new CachedReads.Read(
                RegionProperties.USER,
                CachedReads.key("enrollments", caller.tenantId(), caller.userId(), caller.role(), userId, status),
                List.of(CacheTags.user(caller.tenantId(), userId)),
                null);
        return reads.read(read, ENROLLMENTS, () -> service.ofUser(caller, userId, status));
    }
}
