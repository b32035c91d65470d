package dev.classbase.platform.exercises;

import dev.classbase.data.cache.CacheTags;
import dev.classbase.data.cache.CachedReads;
import dev.classbase.data.cache.RegionProperties;
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
import tools.jackson.core.type.TypeReference;

/**
 * {@code GET /api/v1/exercises/next?difficulty=&language=&limit=}, {@code POST
 * /api/v1/exercises/{id}/completion} (201 the first time, 200 with the first completion after),
 * {@code GET /api/v1/users/{userId}/streak}.
 */
@RestController
class ExerciseController {
    private static final TypeReference<List<Exercise>> EXERCISES = new TypeReference<>() {};

    private final ExerciseService service;
    private final CachedReads reads;

    ExerciseController(ExerciseService service, CachedReads reads) {
        this.service = service;
        this.reads = reads;
    }

    @GetMapping("/api/v1/exercises/next")
    List<Exercise> next(
            Caller caller,
            @RequestParam(required = false) String difficulty,
            @RequestParam(required = false) String language,
            @RequestParam(required = false) Integer limit) {
        var read = new CachedReads.Read(
                RegionProperties.USER,
                CachedReads.key("exercises", caller.tenantId(), caller.userId(), difficulty, language, limit),
                List.of(CacheTags.user(caller.tenantId(), caller.userId())),
                null);
        return reads.read(read, EXERCISES, () -> service.next(caller, difficulty, language, limit));
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
        // a streak is as of today (UTC): the day is part of the answer
        var read = new CachedReads.Read(
                RegionProperties.USER,
                CachedReads.key(
                        "streak",
                        caller.tenantId(),
                        caller.userId(),
                        caller.role(),
                        userId,
                        java.time.LocalDate.now(java.time.ZoneOffset.UTC)),
                List.of(CacheTags.user(caller.tenantId(), userId)),
                null);
        return reads.read(read, Streak.class, () -> service.streak(caller, userId));
    }
}
