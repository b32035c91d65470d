package dev.classbase.platform.discussions;

import dev.classbase.web.auth.Caller;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/discussions/{id}/posts} with {@code {"body": "..."}}: 201 and the post. */
@RestController
class DiscussionController {
    private final DiscussionService service;

    DiscussionController(DiscussionService service) {
        this.service = service;
    }

    @PostMapping("/api/v1/discussions/{id}/posts")
    @ResponseStatus(HttpStatus.CREATED)
    DiscussionPost post(Caller caller, @PathVariable long id, @Valid @RequestBody PostRequest request) {
        return service.post(caller, id, request);
    }
}
