package dev.classbase.platform.events;

import java.time.OffsetDateTime;
import tools.jackson.databind.JsonNode;

/** An event as stored. */
record RecordedEvent(long id, String kind, JsonNode payload, OffsetDateTime occurredAt) {}
