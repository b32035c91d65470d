package dev.classbase.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for tests against a running server. */
public final class Http {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Http() {}

    public record Response(int status, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    public static Response get(String url) throws IOException, InterruptedException {
        return get(url, null);
    }

    /** GET with {@code Authorization: Bearer <token>} unless the token is null. */
    public static Response get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    /** Signs in at {@code base} ({@code POST /api/v1/sessions}) and returns the token. */
    public static String signIn(String base, String email, String password) throws IOException, InterruptedException {
        HttpResponse<String> response = CLIENT.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/sessions"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new AssertionError(
                    "sign-in as " + email + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("token").asString();
    }

    /** The response once the URL answers 200, or null when it never does within the timeout. */
    public static Response awaitOk(String url, Duration timeout, Process server) throws InterruptedException {
        return Await.until(timeout, () -> {
            if (server != null && !server.isAlive()) {
                throw new AssertionError(
                        "the server exited with " + server.exitValue() + " before " + url + " answered");
            }
            try {
                Response r = get(url);
                return r.status() == 200 ? r : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        });
    }
}
