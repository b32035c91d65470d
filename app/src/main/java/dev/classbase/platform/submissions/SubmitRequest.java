package dev.classbase.platform.submissions;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/v1/assignments/{id}/submissions}. */
record SubmitRequest(
        @NotNull
        @Size(max = SubmitRequest.MAX_BODY)
        @Pattern(regexp = "[^\\x00]*", message = "must not contain the NUL character") // text cannot hold it
        String body) {
    static final int MAX_BODY = 100_000;
}
