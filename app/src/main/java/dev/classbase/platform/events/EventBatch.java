package dev.classbase.platform.events;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * Body of {@code POST /api/v1/events}. Validated by the service after the batch size is checked,
 * so an oversized batch answers 413 before its thousands of events are looked at.
 */
record EventBatch(@NotNull List<@NotNull @Valid Event> events) {

    /** One event; {@code userId} defaults to the caller, and only an admin may name another user. */
    record Event(
            @NotBlank @Size(max = 64) String kind,
            @NotNull OffsetDateTime occurredAt,
            ObjectNode payload,
            @Positive Long userId) {}
}
