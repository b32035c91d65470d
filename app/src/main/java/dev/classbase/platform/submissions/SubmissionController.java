package dev.classbase.platform.submissions;

import dev.classbase.web.auth.Caller;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/assignments/{id}/submissions} with an {@code Idempotency-Key} header (the
 * caller's own): 201 the first time, 200 with the same submission for a retry, 422 when the key
 * was used for another request; {@code POST /api/v1/submissions/{id}/grade}.
 */
@RestController
class SubmissionController {
    private final SubmissionService service;

    SubmissionController(SubmissionService service) {
        this.service = service;
    }

    @PostMapping("/api/v1/assignments/{id}/submissions")
    ResponseEntity<Submission> submit(
            Caller caller,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String key,
            @Valid @RequestBody SubmitRequest request) {
        SubmissionService.Outcome outcome = service.submit(caller, id, key, request);
        return ResponseEntity.status(outcome.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(outcome.submission());
    }

    @PostMapping("/api/v1/submissions/{id}/grade")
    Submission grade(Caller caller, @PathVariable long id, @Valid @RequestBody GradeRequest request) {
        return service.grade(caller, id, request);
    }
}
