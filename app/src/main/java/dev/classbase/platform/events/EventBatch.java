package dev.classbase.platform.events;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * Body of {@code POST /api/v1/events}. Validated by the service after the batch size is checked,
 * so an oversized batch answers 413 before its thousands of events are looked at; the service checks
 * the constraints below by hand, in one pass ({@code EventService.validate}: Bean Validation of a
 * thousand events cost an eighth of the request), and the annotations document them (OpenAPI).
 */
record EventBatch(@NotNull List<@NotNull @Valid Event> events) {

    /**
     * One event; {@code userId} defaults to the caller, and only an admin may name another user.
     * {@code payload} is a JSON object (or null), kept as the request's text ({@link EventJson}).
     */
    record Event(
            @NotBlank @Size(max = EventService.MAX_KIND) String kind,

            @NotNull @JsonDeserialize(using = EventJson.Time.class)
            OffsetDateTime occurredAt,

            // kept as text, but on the wire a JSON object (or null), which the document must say
            @Schema(
                    types = {"object", "null"},
                    implementation = Object.class,
                    description = "any JSON object")
            @JsonDeserialize(using = EventJson.Payload.class)
            String payload,

            @Positive Long userId) {}
}
