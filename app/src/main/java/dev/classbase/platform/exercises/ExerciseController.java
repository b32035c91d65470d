package dev.classbase.platform.exercises;

import dev.classbase.web.auth.Caller;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/exercises/next?difficulty=&language=&limit=}, {@code POST
 * /api/v1/exercises/{id}/completion} (201 the first time, 200 with the first completion after),
 * {@code GET /api/v1/users/{userId}/streak}.
 */
@RestController
class ExerciseController {
    private final ExerciseService service;

    ExerciseController(ExerciseService service) {
        this.service = service;
    }

    @GetMapping("/api/v1/exercises/next")
    List<Exercise> next(
            Caller caller,
            @RequestParam(required = false) String difficulty,
            @RequestParam(required = false) String language,
            @RequestParam(required = false) Integer limit) {
        return service.next(caller, difficulty, language, limit);
    }

    @PostMapping("/api/v1/exercises/{id}/completion")
    ResponseEntity<Completion> complete(
            Caller caller, @PathVariable long id, @RequestBody(required = false) CompletionRequest request) {
        Completion completion = service.complete(caller, id, request == null ? null : request.score());
        return ResponseEntity.status(completion.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(completion);
    }

    @GetMapping("/api/v1/users/{userId}/streak")
    Streak streak(Caller caller, @PathVariable long userId) {
        return service.streak(caller, userId);
    }
}
