package dev.classbase.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.RawHttp;
import dev.classbase.testsupport.TestApp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every operation of the OpenAPI document, sent malformed: bytes that are not UTF-8 and NUL in the
 * path, the query and the body, wrong Content-Type, garbage Accept, repeated parameters, oversized
 * body and header, JSON of the wrong types, deeply nested or with huge numbers; anonymous, as a
 * student, a tenant admin and an operator. No answer may be a 5xx, and every 4xx is problem+json whose status is
 * the HTTP status. The requests are drawn from a fixed random sequence ({@link #SEED}), so a failure
 * repeats. Runs after the other classes (the few well-formed writes it makes stay out of their way),
 * as one tenant's users.
 */
@Order(Integer.MAX_VALUE - 1)
class MalformedInputFuzzTests {
    static final long SEED = 20_261_207L;
    static final int REQUESTS = 3_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String[] BAD_SEGMENTS = {
        "%C0%AF",
        "%FF%FE",
        "%E2%82",
        "%00",
        "a%00b",
        "99999999999999999999999",
        "-1",
        "abc",
        "1e9",
        "%2F",
        "0x1F",
        "%zz"
    };
    private static final String[] BAD_VALUES = {
        "%C0%AF",
        "%FF",
        "a%00b",
        "%00",
        "99999999999999999999999",
        "-99999999999",
        "1.5e400",
        "NaN",
        "%zz",
        "",
        "true",
        "x".repeat(3000),
        "2026-13-45",
        "%E2%82%AC%80"
    };
    private static final String[] CONTENT_TYPES = {
        "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/xml",
        "garbage", "application/json; charset=ISO-8859-1", "application/json;;;", "*/*"
    };
    private static final String[] ACCEPTS = {
        "text/html", "garbage", "*/*;q=x", "application/xml", "image/png, text/csv", ";;;", "application/problem+xml"
    };

    record Operation(String method, String path, List<JsonNode> parameters, JsonNode bodySchema) {}

    record Sent(String what, RawHttp.Response response) {}

    @Test
    void noMalformedRequestGetsA5xxAndEvery4xxIsProblemJson() throws Exception {
        TestApp app = TestApp.shared();
        JsonNode document = TestApp.json(app.get("/v3/api-docs", null));
        List<Operation> operations = operations(document);
        assertThat(operations).hasSizeGreaterThan(40);
        String[] tokens = {
            null, app.signIn("student1@riverside.demo"), app.signIn("admin@riverside.demo"), app.signInOperator()
        };

        Random random = new Random(SEED);
        List<String> heads = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            Operation op = operations.get(random.nextInt(operations.size()));
            int who = random.nextInt(tokens.length);
            if (who > 0 && op.method().equals("DELETE") && op.path().equals("/api/v1/sessions/current")) {
                who = 0; // signed in, it would end the session the rest of the run uses
            }
            if (who == 3 && (startsWork(op) || signalsABackend(op))) {
                // nothing in it to malform: as the operator it would run a job or end a pooled connection
                who = random.nextInt(3);
            }
            Request request = request(random, document, op, tokens[who]);
            heads.add(request.head());
            bodies.add(request.body());
        }

        List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
        int port = app.port();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                String head = heads.get(i);
                byte[] body = bodies.get(i);
                futures.add(pool.submit(() -> sent.add(new Sent(
                        head.lines().findFirst().orElse(head),
                        RawHttp.send(port, head.getBytes(StandardCharsets.ISO_8859_1), body)))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }

        Map<Integer, Integer> byStatus = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Sent s : sent) {
            RawHttp.Response r = s.response();
            byStatus.merge(r.status(), 1, Integer::sum);
            String failure = check(s);
            if (failure != null && failures.size() < 20) {
                failures.add(s.what() + " -> " + r.status() + ": " + failure);
            }
        }
        System.out.printf(
                "malformed-input fuzz (seed %d): %d requests over %d operations, by status %s%n",
                SEED, sent.size(), operations.size(), byStatus);
        assertThat(sent).hasSize(REQUESTS);
        assertThat(failures).as("answers that break the error contract").isEmpty();
    }

    /** Cancel or terminate of a backend: a valid pid could be one of the shared server's connections. */
    private static boolean signalsABackend(Operation op) {
        return op.path().contains("/cancel") || op.path().contains("/terminate");
    }

    /** A console action with neither a path variable nor a body: refresh, maintain, evaluate now. */
    private static boolean startsWork(Operation op) {
        return op.method().equals("POST")
                && op.path().startsWith("/api/v1/admin/")
                && !op.path().contains("{")
                && op.bodySchema() == null;
    }

    /** Null when the answer keeps the contract, else what is wrong. */
    private static String check(Sent s) {
        RawHttp.Response r = s.response();
        if (r.status() >= 500) {
            return "a server error: " + r.body();
        }
        if (r.status() < 400 || s.what().startsWith("HEAD ")) {
            return null; // a HEAD answer has no body to check
        }
        String type = r.header("Content-Type");
        if (type == null || !type.startsWith("application/problem+json")) {
            return "Content-Type " + type + ": " + r.body();
        }
        try {
            JsonNode body = JSON.readTree(r.body());
            if (body.path("status").asInt() != r.status()) {
                return "body status " + body.path("status") + ": " + r.body();
            }
        } catch (RuntimeException e) {
            return "not JSON: " + r.body();
        }
        return null;
    }

    private static List<Operation> operations(JsonNode document) {
        List<Operation> out = new ArrayList<>();
        // the API and the error path; test classes' probe controllers would be listed too
        document.path("paths").properties().stream()
                .filter(path ->
                        path.getKey().startsWith("/api/") || path.getKey().equals("/error"))
                .forEach(path -> path.getValue().properties().forEach(method -> {
                    JsonNode op = method.getValue();
                    List<JsonNode> parameters = new ArrayList<>();
                    op.path("parameters").forEach(parameters::add);
                    JsonNode body = op.path("requestBody")
                            .path("content")
                            .path("application/json")
                            .path("schema");
                    out.add(new Operation(
                            method.getKey().toUpperCase(java.util.Locale.ROOT),
                            path.getKey(),
                            parameters,
                            body.isMissingNode() ? null : body));
                }));
        return out;
    }

    record Request(String head, byte[] body) {}

    /** One request of the operation with one to three malformations. */
    private static Request request(Random random, JsonNode document, Operation op, String token) {
        String path = op.path();
        StringBuilder query = new StringBuilder();
        List<String> headers = new ArrayList<>();
        byte[] body = null;
        String contentType = "application/json";
        boolean malformedPath = random.nextInt(4) == 0;
        for (JsonNode p : op.parameters()) {
            String name = p.path("name").asString();
            String in = p.path("in").asString();
            if (in.equals("path")) {
                String value = malformedPath ? pick(random, BAD_SEGMENTS) : String.valueOf(1 + random.nextInt(30));
                path = path.replace("{" + name + "}", value);
            } else if (in.equals("query") && random.nextBoolean()) {
                append(
                        query,
                        name,
                        random.nextInt(3) == 0 ? pick(random, BAD_VALUES) : String.valueOf(random.nextInt(50)));
                if (random.nextInt(4) == 0) {
                    append(query, name, pick(random, BAD_VALUES)); // given twice
                }
            }
        }
        int kinds = 1 + random.nextInt(3);
        for (int k = 0; k < kinds; k++) {
            switch (random.nextInt(9)) {
                case 0 -> append(query, pick(random, new String[] {"%C0%AF", "a%00", "%FF", "q%zz"}), "1");
                case 1 -> append(query, "limit", pick(random, BAD_VALUES));
                case 2 -> contentType = pick(random, CONTENT_TYPES);
                case 3 -> headers.add("Accept: " + pick(random, ACCEPTS));
                case 4 -> headers.add("X-Filler: " + "h".repeat(8_000 + random.nextInt(4_000)));
                case 5 ->
                    headers.add(pick(random, new String[] {"X-Nul: a\0b", "Idempotency-Key: k\0", "X-Ctl: \u0007"}));
                case 6 ->
                    body = random.nextInt(3) == 0
                            ? oversized(random)
                            : malformedBody(random, document, op.bodySchema());
                default -> body = malformedBody(random, document, op.bodySchema());
            }
        }
        if (body == null && op.bodySchema() != null) {
            body = malformedBody(random, document, op.bodySchema());
        }
        StringBuilder head = new StringBuilder();
        head.append(op.method()).append(' ').append(path);
        if (!query.isEmpty()) {
            head.append('?').append(query);
        }
        head.append(" HTTP/1.1\r\nHost: localhost");
        if (token != null) {
            head.append("\r\nAuthorization: Bearer ").append(token);
        }
        if (body != null) {
            head.append("\r\nContent-Type: ").append(contentType);
        }
        for (String h : headers) {
            head.append("\r\n").append(h);
        }
        return new Request(head.toString(), body);
    }

    private static void append(StringBuilder query, String name, String value) {
        if (!query.isEmpty()) {
            query.append('&');
        }
        query.append(name).append('=').append(value);
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static byte[] oversized(Random random) {
        return ("{\"body\":\"" + "o".repeat(600_000 + random.nextInt(100_000)) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Not JSON, the wrong JSON, or the operation's own fields with wrong, NUL, huge or nested values. */
    private static byte[] malformedBody(Random random, JsonNode document, JsonNode schema) {
        switch (random.nextInt(8)) {
            case 0 -> {
                return "{\"a\":".getBytes(StandardCharsets.UTF_8);
            }
            case 1 -> {
                return pick(random, new String[] {"[]", "null", "\"text\"", "42", "true", ""})
                        .getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> {
                int depth = 600 + random.nextInt(3_000);
                return ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
            }
            case 3 -> {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                bytes.writeBytes("{\"email\":\"".getBytes(StandardCharsets.UTF_8));
                bytes.write(0xC0);
                bytes.write(0xAF);
                bytes.writeBytes("\",\"body\":\"\u0000\"}".getBytes(StandardCharsets.UTF_8));
                return bytes.toByteArray();
            }
            default -> {
                return fields(random, document, schema, 0).getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    /** The schema's properties (one level of $ref and arrays followed), each with a fuzzed value. */
    private static String fields(Random random, JsonNode document, JsonNode schema, int depth) {
        JsonNode resolved = resolve(document, schema);
        StringBuilder json = new StringBuilder("{");
        if (resolved != null && depth < 3) {
            for (var property : resolved.path("properties").properties()) {
                if (random.nextInt(5) == 0) {
                    continue;
                }
                if (json.length() > 1) {
                    json.append(',');
                }
                json.append('"').append(property.getKey()).append("\":");
                JsonNode type = resolve(document, property.getValue());
                if (type != null && type.path("type").toString().contains("\"array\"") && random.nextBoolean()) {
                    json.append('[')
                            .append(fields(random, document, type.path("items"), depth + 1))
                            .append(']');
                } else {
                    json.append(value(random));
                }
            }
        }
        return json.append('}').toString();
    }

    private static String value(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> "\"a\\u0000b\"";
            case 1 -> "1" + "0".repeat(30 + random.nextInt(1_200));
            case 2 -> "-9223372036854775809";
            case 3 -> "3000000000";
            case 4 -> "1e999";
            case 5 -> "\"\"";
            case 6 -> "{\"x\":{\"y\":[1,{\"z\":null}]}}";
            case 7 -> "[\"a\",1,null]";
            case 8 -> "null";
            case 9 -> "\"" + "w".repeat(200_000) + "\"";
            case 10 -> "\"2026-02-30T25:61:00Z\"";
            default -> String.valueOf(random.nextInt(100) - 10);
        };
    }

    private static JsonNode resolve(JsonNode document, JsonNode schema) {
        if (schema == null || schema.isMissingNode()) {
            return null;
        }
        String ref = schema.path("$ref").asString("");
        if (ref.startsWith("#/components/schemas/")) {
            return document.path("components").path("schemas").path(ref.substring("#/components/schemas/".length()));
        }
        return schema;
    }
}
