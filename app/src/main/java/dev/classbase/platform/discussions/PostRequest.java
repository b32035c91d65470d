package dev.classbase.platform.discussions;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/v1/discussions/{id}/posts}. */
record PostRequest(
        @NotBlank
        @Size(max = 10_000)
        @Pattern(regexp = "[^\\x00]*", message = "must not contain the NUL character") // text cannot hold it
        String body) {}
