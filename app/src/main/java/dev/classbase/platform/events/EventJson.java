package dev.classbase.platform.events;

import dev.classbase.platform.UtcText;
import dev.classbase.web.NulFreeStrings;
import java.io.StringWriter;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.node.ObjectNode;

/**
 * The two fields of an event that cost the most to read, read faster: a batch holds a thousand
 * events, and with Jackson's defaults parsing their times (java.time's formatter: a map of fields
 * per value) and building then re-serializing their payloads as trees took about a third of the
 * request's CPU. Both answer exactly what the defaults answered; anything the fast path does not
 * recognise goes to the default, errors included.
 */
final class EventJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private EventJson() {}

    /**
     * {@code occurredAt}: {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:MM)} read by hand, any other
     * form (and any invalid date) by Jackson's own deserializer, which also makes the errors. The
     * value is at UTC, as the default (which adjusts to the context's time zone, UTC) gives it.
     */
    static final class Time extends ValueDeserializer<OffsetDateTime> {
        @Override
        public OffsetDateTime deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                OffsetDateTime fast = parse(p.getString());
                if (fast != null) {
                    return fast;
                }
            }
            return ctxt.readValue(p, OffsetDateTime.class);
        }
    }

    /**
     * {@code payload}: a JSON object copied as text straight from the request, without building a
     * tree and serializing it again; null stays null; anything else is refused as for an {@link
     * ObjectNode}.
     */
    static final class Payload extends ValueDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                return (String) ctxt.handleUnexpectedToken(ObjectNode.class, p);
            }
            StringWriter text = new StringWriter(128);
            try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), text)) {
                g.copyCurrentStructure(p);
            }
            String json = text.toString();
            if (NulFreeStrings.hasEscapedNul(json)) {
                return (String) ctxt.handleWeirdStringValue(String.class, json, NulFreeStrings.MESSAGE);
            }
            return json;
        }
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|z|±HH:MM)}, at UTC; null for any other text or an
     * impossible date or time (the caller then asks the default, for its error).
     */
    static OffsetDateTime parse(String s) {
        int n = s.length();
        if (n < 20
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || (s.charAt(10) != 'T' && s.charAt(10) != 't')
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int at = 19;
        int nano = 0;
        if (s.charAt(at) == '.') {
            int start = ++at;
            while (at < n && at - start < 9 && isDigit(s.charAt(at))) {
                nano = nano * 10 + (s.charAt(at) - '0');
                at++;
            }
            int count = at - start;
            if (count == 0 || (at < n && isDigit(s.charAt(at)))) {
                return null; // no digit, or more than nine
            }
            for (int i = count; i < 9; i++) {
                nano *= 10;
            }
        }
        ZoneOffset offset;
        if (at == n - 1 && (s.charAt(at) == 'Z' || s.charAt(at) == 'z')) {
            offset = ZoneOffset.UTC;
        } else if (at == n - 6 && (s.charAt(at) == '+' || s.charAt(at) == '-') && s.charAt(at + 3) == ':') {
            int hours = digits(s, at + 1, 2);
            int minutes = digits(s, at + 4, 2);
            if ((hours | minutes) < 0) {
                return null;
            }
            try {
                int total = hours * 3600 + minutes * 60;
                offset = ZoneOffset.ofTotalSeconds(s.charAt(at) == '-' ? -total : total);
            } catch (DateTimeException e) {
                return null;
            }
        } else {
            return null;
        }
        try {
            OffsetDateTime value = OffsetDateTime.of(year, month, day, hour, minute, second, nano, offset);
            return offset == ZoneOffset.UTC ? value : value.withOffsetSameInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** An ASCII digit: {@link Character#isDigit} also takes other scripts' digits. */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The {@code count} digits at {@code at} as a number, or -1 if one is not a digit. */
    private static int digits(String s, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * A time as PostgreSQL's timestamptz input reads it: {@link UtcText} with all nine fraction
     * digits (PostgreSQL rounds them to microseconds, as it did {@link
     * DateTimeFormatter#ISO_OFFSET_DATE_TIME}'s text), that formatter for years outside 0 to 9999.
     */
    static String format(OffsetDateTime t) {
        String text = UtcText.format(t, 9);
        return text != null ? text : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
    }
}
