package dev.classbase.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.platform.UtcTextTests;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** The fast readers of an event answer what Jackson's defaults answered, errors included. */
class EventJsonTests {
    private final JsonMapper json = JsonMapper.builder().build();

    /** The same field with Jackson's own deserializers, as the event read it before. */
    record Plain(OffsetDateTime occurredAt, tools.jackson.databind.node.ObjectNode payload) {}

    @Test
    void timesReadAsTheDefaultReadsThem() {
        List<String> accepted = List.of(
                "2026-11-30T12:34:56Z",
                "2026-11-30T12:34:56z",
                "2026-11-30t12:34:56Z",
                "2026-11-30T12:34:56.1Z",
                "2026-11-30T12:34:56.123456Z",
                "2026-11-30T12:34:56.123456789Z",
                "2026-11-30T12:34:56+02:00",
                "2026-11-30T00:10:00.5-05:30",
                "2024-02-29T23:59:59.999999999+14:00",
                "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59-18:00",
                "2026-11-30T12:34Z", // no seconds: the default's
                "2026-11-30T12:34:56+0200", // offset without a colon: the default's
                "+12026-11-30T12:34:56Z",
                "2026-11-30T12:34:56.Z", // a point without digits: the default's
                ""); // the default's: no time (null, which validation then refuses)
        for (String text : accepted) {
            OffsetDateTime expected = plain(text);
            OffsetDateTime actual = fast(text);
            assertThat(actual).as(text).isEqualTo(expected); // same instant and same offset (UTC)
        }
        List<String> refused = List.of(
                "2026-13-01T00:00:00Z",
                "2026-02-30T00:00:00Z",
                "2026-11-30T24:00:00Z",
                "2026-11-30T12:34:60Z",
                "2026-11-30T12:34:56.1234567890Z",
                "2026-11-30T12:34:56.\u0661Z", // an Arabic-Indic digit in the fraction
                "2026-11-30T12:34:56+19:00",
                "2026-11-30 12:34:56Z",
                "2026-11-30T12:34:56",
                "yesterday");
        for (String text : refused) {
            Class<? extends Throwable> expected = failure(() -> plain(text));
            assertThat(expected).as("the default accepts " + text).isNotNull();
            assertThatThrownBy(() -> fast(text)).as(text).isInstanceOf(expected);
        }
    }

    @Test
    void randomTimesReadAndWriteAsTheDefault() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            OffsetDateTime any = UtcTextTests.randomTime(random);
            // offsets in whole minutes, the form the fast path reads (with seconds: the default's)
            OffsetDateTime t = any.withOffsetSameInstant(
                    ZoneOffset.ofTotalSeconds(any.getOffset().getTotalSeconds() / 60 * 60));
            Instant instant = t.toInstant();
            String text = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
            assertThat(fast(text)).as(text).isEqualTo(plain(text));
            // what the statement receives: the same instant as the formatter's text
            OffsetDateTime utc = plain(text);
            assertThat(OffsetDateTime.parse(EventJson.format(utc)).toInstant())
                    .as(text)
                    .isEqualTo(instant);
        }
    }

    @Test
    void payloadsAreTheObjectsText() {
        for (String payload : List.of(
                "{}",
                "{\"path\":\"/courses/1\",\"n\":3}",
                "{\"a\":{\"b\":[1,2.5,-3e2,true,null,\"x\\\"y\"]},\"c\":\"\\u00e9\\n\"}",
                "{\"dup\":1,\"dup\":2}")) {
            // a field after the payload: the copy leaves the parser at the object's end
            String body = "{\"kind\":\"page_view\",\"occurredAt\":\"2026-11-30T12:00:00Z\",\"payload\":" + payload
                    + ",\"userId\":5}";
            EventBatch.Event event = json.readValue(body, EventBatch.Event.class);
            assertThat(event.userId()).as(payload).isEqualTo(5L);
            String fast = event.payload();
            String tree = json.readValue(body, Plain.class).payload().toString();
            // the same document: jsonb keeps the last of duplicate keys either way
            assertThat(json.readTree(fast)).as(payload).isEqualTo(json.readTree(tree));
        }
        assertThat(json.readValue(
                                "{\"kind\":\"k\",\"occurredAt\":\"2026-11-30T12:00:00Z\",\"payload\":null}",
                                EventBatch.Event.class)
                        .payload())
                .isNull();
        for (String notAnObject : List.of("[1]", "\"x\"", "3", "true")) {
            String body = "{\"kind\":\"k\",\"occurredAt\":\"2026-11-30T12:00:00Z\",\"payload\":" + notAnObject + "}";
            Class<? extends Throwable> expected = failure(() -> json.readValue(body, Plain.class));
            assertThat(expected).as(notAnObject).isNotNull();
            assertThatThrownBy(() -> json.readValue(body, EventBatch.Event.class))
                    .as(notAnObject)
                    .isInstanceOf(expected)
                    .hasMessageContaining("ObjectNode");
        }
    }

    private OffsetDateTime plain(String text) {
        return json.readValue("{\"occurredAt\":" + quoted(text) + "}", Plain.class)
                .occurredAt();
    }

    private OffsetDateTime fast(String text) {
        return json.readValue("{\"kind\":\"k\",\"occurredAt\":" + quoted(text) + "}", EventBatch.Event.class)
                .occurredAt();
    }

    private String quoted(String text) {
        return json.writeValueAsString(text);
    }

    private static Class<? extends Throwable> failure(Runnable r) {
        try {
            r.run();
            return null;
        } catch (JacksonException e) {
            return e.getClass();
        }
    }
}
