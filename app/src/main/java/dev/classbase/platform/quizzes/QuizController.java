package dev.classbase.platform.quizzes;

import dev.classbase.web.auth.Caller;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/quizzes/{id}/attempts} (201, an open attempt) and {@code POST
 * /api/v1/quiz-attempts/{id}/complete} with {@code {"score": 0..100}}.
 */
@RestController
class QuizController {
    private final QuizService service;

    QuizController(QuizService service) {
        this.service = service;
    }

    @PostMapping("/api/v1/quizzes/{id}/attempts")
    @ResponseStatus(HttpStatus.CREATED)
    QuizAttempt start(Caller caller, @PathVariable long id) {
        return service.start(caller, id);
    }

    @PostMapping("/api/v1/quiz-attempts/{id}/complete")
    QuizAttempt complete(Caller caller, @PathVariable long id, @Valid @RequestBody CompleteRequest request) {
        return service.complete(caller, id, request);
    }
}
