package dev.classbase.ops.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names a running server exposes, and those a PromQL text refers to. */
final class Metrics {
    /**
     * Metric names of the families the rules and the dashboard use (PromQL functions never match;
     * recording rules' names, {@code classbase:...:rate5m}, are not the app's and do not either).
     */
    private static final Pattern METRIC =
            Pattern.compile("(?<![:\\w])((?:classbase|hikaricp|http_server)_[a-zA-Z0-9_]+)(?![:\\w])");

    private Metrics() {}

    /** Every sample name in the server's /actuator/prometheus answer, after a few requests. */
    static Set<String> exposed(TestApp app) {
        String operator = app.signInOperator();
        // an answer of each kind so http.server.requests has series; the evaluation feeds the gauges
        assertThat(app.post("/api/v1/admin/database/alerts/evaluate", operator, null)
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> r = app.get("/actuator/prometheus", operator);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Set<String> names = new TreeSet<>();
        for (String line : r.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** The metric names referred to in a text of PromQL expressions. */
    static Set<String> referredTo(String promql) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(promql);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static Path infrastructure(String... parts) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("infrastructure"))) {
            dir = dir.getParent();
        }
        assertThat(dir)
                .as("the repository root (with infrastructure/) above the working directory")
                .isNotNull();
        return dir.resolve(Path.of("infrastructure", parts));
    }
}
