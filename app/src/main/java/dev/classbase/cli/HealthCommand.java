package dev.classbase.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The running server's database health summary ({@code GET /api/v1/admin/database/health}), asked as
 * an operator: the pools are the server's, so the summary is the server's too.
 */
@Command(
        name = "health",
        description = {
            "The database's health from the running server, as an operator: pools, connections, replication,",
            "the slowest statements, the largest tables and index usage, each green, amber, red or unavailable.",
            "Exit code 0 when nothing is red, 1 when something is, 3 when the server cannot be asked."
        })
final class HealthCommand implements Callable<Integer> {
    static final int RED = 1;
    static final int UNREACHABLE = 3;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Option(names = "--url", description = "the server (default: http://localhost:$CLASSBASE_PORT, else 8080)")
    String url;

    @Option(names = "--email", description = "an operator's email (default: $CLASSBASE_OPERATOR_EMAIL)")
    String email;

    @Option(
            names = "--password-stdin",
            description = "read the operator's password from the first line of standard input"
                    + " (default: $CLASSBASE_OPERATOR_PASSWORD)")
    boolean passwordStdin;

    @Option(names = "--json", description = "print the summary as the server answers it")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String base = base();
        String operator = email != null ? email : System.getenv("CLASSBASE_OPERATOR_EMAIL");
        if (operator == null || operator.isBlank()) {
            throw new IllegalArgumentException("--email (or CLASSBASE_OPERATOR_EMAIL): an operator's email is needed");
        }
        String password = passwordStdin ? firstLine() : System.getenv("CLASSBASE_OPERATOR_PASSWORD");
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException(
                    "--password-stdin (or CLASSBASE_OPERATOR_PASSWORD): the operator's password is needed");
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            ObjectNode credentials = JSON.createObjectNode();
            credentials.put("email", operator.strip());
            credentials.put("password", password);
            HttpResponse<String> session = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/v1/sessions"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(credentials)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (session.statusCode() != 200 && session.statusCode() != 201) {
                System.err.println("classbase: signing in as " + operator + " at " + base + " answered "
                        + session.statusCode() + ": " + session.body());
                return UNREACHABLE;
            }
            String token = JSON.readTree(session.body()).path("token").asString();
            // the server spends at most its budget (60 s at most) on the summary
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/v1/admin/database/health"))
                            .timeout(Duration.ofSeconds(90))
                            .header("Authorization", "Bearer " + token)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                System.err.println(
                        "classbase: the health summary answered " + answer.statusCode() + ": " + answer.body());
                return UNREACHABLE;
            }
            // the session ends here rather than lingering until it expires
            http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/v1/sessions/current"))
                            .timeout(Duration.ofSeconds(10))
                            .header("Authorization", "Bearer " + token)
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            JsonNode summary = JSON.readTree(answer.body());
            System.out.println(json ? answer.body() : render(summary));
            return exitCode(summary);
        } catch (ConnectException | HttpTimeoutException e) {
            System.err.println("classbase: no answer from " + base + " (" + e + "); is ./classbase serve running?");
            return UNREACHABLE;
        }
    }

    /** 1 when the summary or any section is red, else 0 (amber and unavailable are said, not failed). */
    static int exitCode(JsonNode summary) {
        if ("red".equals(summary.path("status").asString())) {
            return RED;
        }
        for (JsonNode section : summary.path("sections")) {
            if ("red".equals(section.path("status").asString())) {
                return RED;
            }
        }
        return 0;
    }

    /** A section per line, then its checks, pools, tables and slowest statements indented. */
    static String render(JsonNode summary) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "database health: %s   (%d ms, budget %d ms, lists of %d at most)%n",
                summary.path("status").asString().toUpperCase(Locale.ROOT),
                summary.path("tookMs").asLong(),
                summary.path("budgetMs").asLong(),
                summary.path("top").asInt()));
        for (JsonNode section : summary.path("sections")) {
            out.append(String.format(
                    "%n%-16s %-11s %s%n",
                    section.path("name").asString(),
                    section.path("status").asString(),
                    section.path("note").isNull() ? "" : section.path("note").asString()));
            for (JsonNode check : section.path("checks")) {
                out.append(String.format(
                        "  %-28s %-11s %s%n",
                        check.path("name").asString(),
                        check.path("status").asString(),
                        check.path("value").isNull()
                                ? check.path("note").asString("")
                                : check.path("value").asString()));
                if ("slow_queries".equals(check.path("name").asString())) {
                    for (JsonNode q : check.path("details")) {
                        out.append(String.format(
                                "      %10.1f ms x %-8d %s%n",
                                q.path("mean_ms").asDouble(),
                                q.path("calls").asLong(),
                                oneLine(q.path("query").asString(""), 90)));
                    }
                }
            }
            for (JsonNode item : section.path("items")) {
                if (item.has("waiting")) {
                    out.append(String.format(
                            "  %-28s %d/%d active, %d idle, %d waiting%n",
                            item.path("name").asString(),
                            item.path("active").asInt(),
                            item.path("max").asInt(),
                            item.path("idle").asInt(),
                            item.path("waiting").asInt()));
                } else if (item.has("totalBytes")) {
                    out.append(String.format(
                            "  %-40s %10s  ~%,d rows%n",
                            item.path("table").asString(),
                            IndexesCommand.size(item.path("totalBytes").asLong()),
                            item.path("estimatedRows").asLong()));
                }
            }
        }
        return out.toString().stripTrailing();
    }

    private String base() {
        if (url != null && !url.isBlank()) {
            return url.replaceAll("/+$", "");
        }
        String port = System.getenv("CLASSBASE_PORT");
        return "http://localhost:" + (port == null || port.isBlank() ? "8080" : port.strip());
    }

    private static String oneLine(String text, int max) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }

    private static String firstLine() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("--password-stdin: standard input had no password");
        }
        return line;
    }
}
