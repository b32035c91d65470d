package dev.classbase.platform.events;

import dev.classbase.data.cache.CacheTags;
import dev.classbase.data.retry.RetryableTransaction;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Validates a batch and writes it in one statement: all of it or, on any error, none of it. */
@Service
class EventService {
    /** Events per request: a client batches by time; more than this is a bulk import, not ingestion. */
    static final int MAX_BATCH = 1_000;
    /** Serialized payload per event, in characters. */
    static final int MAX_PAYLOAD = 8_192;
    /** Characters of an event's kind. */
    static final int MAX_KIND = 64;

    /** How far back a user's activity is listed: the at-risk and engagement window is shorter. */
    static final Duration HISTORY = Duration.ofDays(90);

    static final int MAX_PAGE = 100;

    private final EventQueries queries;
    private final CacheTags tags;
    private final JsonMapper json;

    EventService(EventQueries queries, JsonMapper json, CacheTags tags) {
        this.queries = queries;
        this.tags = tags;
        this.json = json;
    }

    /** A user's events of the last 90 days, newest first: their own, or anyone's for an admin. */
    @Transactional(readOnly = true)
    public EventPage ofUser(Caller caller, long userId, String cursor, Integer limit) {
        if (userId != caller.userId() && !caller.isAdmin()) {
            throw ApiException.forbidden("only an admin may read another user's events");
        }
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "Invalid request",
                    "limit: must be between 1 and " + MAX_PAGE,
                    Map.of("field", "limit", "limit", MAX_PAGE));
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        // the first page starts just after now: later-dated events (clock skew) are not listed
        EventCursor after = cursor == null ? new EventCursor(now.plusSeconds(1), 0) : EventCursor.decode(cursor);
        var rows =
                queries.ofUser(caller.tenantId(), userId, now.minus(HISTORY), after.occurredAt(), after.id(), size + 1);
        if (rows.isEmpty()) {
            throw ApiException.notFound("user " + userId);
        }
        List<RecordedEvent> events = rows.stream()
                .filter(r -> r.id() != null)
                .map(r -> new RecordedEvent(r.id(), r.kind(), json.readTree(r.payload()), r.occurredAt()))
                .toList();
        if (events.size() <= size) {
            return new EventPage(events, null);
        }
        RecordedEvent last = events.get(size - 1);
        return new EventPage(events.subList(0, size), new EventCursor(last.occurredAt(), last.id()).encode());
    }

    @Transactional
    @RetryableTransaction
    public int ingest(Caller caller, EventBatch batch) {
        if (batch == null || batch.events() == null) {
            throw ApiException.badRequest("events", "is required");
        }
        List<EventBatch.Event> events = batch.events();
        if (events.size() > MAX_BATCH) {
            throw ApiException.tooLarge("events", MAX_BATCH);
        }
        if (events.isEmpty()) {
            throw ApiException.badRequest("events", "must hold at least one event");
        }
        validate(events);
        int n = events.size();
        Long[] users = new Long[n];
        String[] kinds = new String[n];
        String[] payloads = new String[n];
        String[] times = new String[n];
        for (int i = 0; i < n; i++) {
            EventBatch.Event e = events.get(i);
            long user = e.userId() == null ? caller.userId() : e.userId();
            if (user != caller.userId() && !caller.isAdmin()) {
                throw ApiException.forbidden(
                        "events[" + i + "].userId: only an admin may record another user's events");
            }
            users[i] = user;
            kinds[i] = e.kind();
            payloads[i] = e.payload() == null ? "{}" : e.payload();
            if (payloads[i].length() > MAX_PAYLOAD) {
                throw ApiException.tooLarge("events[" + i + "].payload", MAX_PAYLOAD);
            }
            // jsonb refuses \u0000 (PostgreSQL manual 8.14); text columns refuse the NUL character
            if (payloads[i].contains("\\u0000")) {
                throw ApiException.badRequest("events[" + i + "].payload", "must not contain \\u0000");
            }
            if (kinds[i].indexOf('\0') >= 0) {
                throw ApiException.badRequest("events[" + i + "].kind", "must not contain the NUL character");
            }
            times[i] = EventJson.format(e.occurredAt());
        }
        Long[] distinctUsers = new LinkedHashSet<>(Arrays.asList(users)).toArray(Long[]::new);
        // the statement writes all the events or, when a user is not one of this tenant's, none
        if (queries.insert(caller.tenantId(), users, distinctUsers, kinds, payloads, times) != n) {
            throw ApiException.badRequest("events[].userId", "names a user that does not exist");
        }
        // the users' answers (streaks, summaries) once the batch commits; at most MAX_BATCH tags
        List<String> userTags = new java.util.ArrayList<>(distinctUsers.length);
        for (Long user : distinctUsers) {
            userTags.add(CacheTags.user(caller.tenantId(), user));
        }
        tags.invalidateAfterCommit(userTags);
        return n;
    }

    /**
     * {@link EventBatch.Event}'s constraints, checked here in one pass: Bean Validation of a batch of
     * a thousand events (a path node and a value context per event and constraint) took an eighth
     * of the request's CPU. The first event with a problem is named, as Bean Validation would name
     * it, with its messages.
     */
    static void validate(List<EventBatch.Event> events) {
        for (int i = 0; i < events.size(); i++) {
            EventBatch.Event e = events.get(i);
            if (e == null) {
                throw ApiException.badRequest("events[" + i + "]", "must not be null");
            }
            if (e.kind() == null || e.kind().isBlank()) {
                throw ApiException.badRequest("events[" + i + "].kind", "must not be blank");
            }
            if (e.kind().length() > MAX_KIND) {
                throw ApiException.badRequest("events[" + i + "].kind", "size must be between 0 and " + MAX_KIND);
            }
            if (e.occurredAt() == null) {
                throw ApiException.badRequest("events[" + i + "].occurredAt", "must not be null");
            }
            if (e.userId() != null && e.userId() <= 0) {
                throw ApiException.badRequest("events[" + i + "].userId", "must be greater than 0");
            }
        }
    }
}
