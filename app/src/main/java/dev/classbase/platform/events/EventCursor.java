package dev.classbase.platform.events;

import dev.classbase.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/** Where a page of a user's events ends: (occurred_at, id), as an opaque base64url token. */
record EventCursor(OffsetDateTime occurredAt, long id) {
    // timestamptz covers 4713 BC to 294276 AD; a time outside years 1 to 9999 was never issued and
    // would reach the database as an out-of-range error (a 500), so it is refused here
    private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LAST = Instant.parse("9999-12-31T23:59:59Z");

    static EventCursor decode(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
            if (parts.length != 2) {
                throw invalid();
            }
            Instant at = Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS);
            if (at.isBefore(FIRST) || at.isAfter(LAST)) {
                throw invalid();
            }
            return new EventCursor(at.atOffset(ZoneOffset.UTC), Long.parseLong(parts[1]));
        } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
            throw invalid();
        }
    }

    String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, occurredAt.toInstant());
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((micros + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    private static ApiException invalid() {
        return ApiException.badRequest("cursor", "is not a cursor this server issued");
    }
}
