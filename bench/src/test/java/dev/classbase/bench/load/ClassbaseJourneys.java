package dev.classbase.bench.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Closed-model load: {@code bench.users} concurrent virtual users, each signing in once as a distinct
 * seeded account (one row of the accounts file, exported by bench/capacity.sh in the mix's order:
 * about 85 % students, 12 % teachers, 3 % admins), then repeating its role's journey with a think
 * time drawn uniformly from 5 to 15 s before every request. After each write the journey reads it
 * back at once and counts a read-your-writes violation when it is missing; every acknowledged write
 * goes to the write ledger.
 *
 * <p>System properties: {@code bench.url}, {@code bench.accounts} (CSV), {@code bench.password},
 * {@code bench.users}, {@code bench.ramp} and {@code bench.duration} (seconds), {@code bench.out}
 * (ledger and counters), {@code bench.generator} (this JVM's name in those files),
 * {@code bench.localAddresses} (comma-separated source addresses, given to the virtual users in turn),
 * {@code bench.thinkMin}/{@code bench.thinkMax} (seconds), {@code bench.signInOnly}.
 *
 * <p>An accounts file may carry a {@code token} column: a session that account signed in earlier
 * (sessions last 12 hours, a school day), used instead of a new sign-in. A run with
 * {@code bench.signInOnly=true} makes those: every account signs in once, spread over the ramp, and
 * its session goes to {@code sessions-<generator>.csv}.
 */
public class ClassbaseJourneys extends Simulation {
    private static final String URL = System.getProperty("bench.url", "http://127.0.0.1:8080");
    private static final String ACCOUNTS = System.getProperty("bench.accounts", "target/capacity/accounts.csv");
    private static final String PASSWORD = System.getProperty("bench.password", "classbase-demo");
    private static final int USERS = Integer.getInteger("bench.users", 10);
    private static final int RAMP = Integer.getInteger("bench.ramp", 30);
    private static final int DURATION = Integer.getInteger("bench.duration", 60);
    private static final int THINK_MIN = Integer.getInteger("bench.thinkMin", 5);
    private static final int THINK_MAX = Integer.getInteger("bench.thinkMax", 15);
    private static final Path OUT = Path.of(System.getProperty("bench.out", "target/capacity"));
    private static final String GENERATOR = System.getProperty("bench.generator", "g1");
    /** Only sign every account in (open model over the ramp) and write its session to sessions-*.csv. */
    private static final boolean SIGN_IN_ONLY = Boolean.getBoolean("bench.signInOnly");

    private static final List<String> SEARCHES =
            List.of("science", "history", "music", "data", "spanish", "health", "civics", "earth");
    private static final List<String> CATEGORIES =
            List.of("science", "mathematics", "computer_science", "languages", "history", "english", "arts", "health");
    private static final List<String> LANGUAGES = List.of("python", "python", "java", "javascript", "sql", "go");
    private static final List<String> DIFFICULTIES = List.of("easy", "medium", "hard");

    /**
     * Iterations stop at this instant: the ramp, then the steady part, from the injection's start,
     * and a little more, so that no user ends while the closed model would still replace it.
     */
    private static volatile long END_MILLIS = Long.MAX_VALUE;

    private final WriteLedger ledger = new WriteLedger(OUT.resolve("ledger-" + GENERATOR + ".tsv"));
    private final RunCounters counters = new RunCounters();
    private final SignedInSessions sessions = new SignedInSessions(OUT.resolve("sessions-" + GENERATOR + ".csv"));

    {
        HttpProtocolBuilder protocol = http.baseUrl(URL)
                .acceptHeader("application/json")
                .contentTypeHeader("application/json")
                .userAgentHeader("classbase-load/" + GENERATOR)
                .disableWarmUp();
        String addresses = System.getProperty("bench.localAddresses", "");
        if (!addresses.isBlank()) {
            protocol = protocol.localAddresses(Arrays.stream(addresses.split(","))
                    .map(String::strip)
                    .filter(a -> !a.isEmpty())
                    .toList());
        }

        ScenarioBuilder users = scenario("classbase")
                .feed(csv(ACCOUNTS).queue())
                // a session signed in earlier (bench/capacity.sh's sign-in pass): no new sign-in
                .exec(session -> {
                    String token = session.getString("token");
                    return token == null || token.isBlank()
                            ? session.remove("token")
                            : session.set("me", session.getString("user_id"));
                })
                // a person whose sign-in failed (a 503 or 429 under load) tries again after a while,
                // as long as the step lasts: one account per virtual user, never replaced
                .asLongAs(session -> !session.contains("token") && System.currentTimeMillis() < END_MILLIS)
                .on(exec(Session::markAsSucceeded)
                        .exec(signIn())
                        .doIf(session -> !session.contains("token"))
                        .then(think()))
                .exec(Session::markAsSucceeded)
                .doIf(session -> !session.contains("token"))
                .then(exitHere())
                .exec(session -> {
                    counters.signedIn();
                    if (SIGN_IN_ONLY) {
                        sessions.add(session.getString("email"), session.getString("token"));
                    }
                    return session;
                })
                .exitHereIf(session -> SIGN_IN_ONLY)
                // users that start together do not all ask at once
                .pause(Duration.ZERO, Duration.ofSeconds(THINK_MAX))
                .asLongAs(session -> System.currentTimeMillis() < END_MILLIS, "iteration")
                .on(doSwitch("#{role}")
                        .on(
                                onCase("student").then(student()),
                                onCase("teacher").then(teacher()),
                                onCase("admin").then(admin())));

        if (SIGN_IN_ONLY) {
            // open model: every account signs in once, spread evenly over the ramp
            setUp(users.injectOpen(rampUsers(USERS).during(Duration.ofSeconds(RAMP))))
                    .protocols(protocol)
                    .maxDuration(Duration.ofSeconds(RAMP + DURATION + 120L));
        } else {
            setUp(users.injectClosed(
                            rampConcurrentUsers(0).to(USERS).during(Duration.ofSeconds(RAMP)),
                            constantConcurrentUsers(USERS).during(Duration.ofSeconds(DURATION))))
                    .protocols(protocol)
                    .maxDuration(Duration.ofSeconds(RAMP + DURATION + 120L));
        }
    }

    @Override
    public void before() {
        END_MILLIS = System.currentTimeMillis() + (RAMP + DURATION + 15) * 1000L;
    }

    @Override
    public void after() {
        ledger.close();
        sessions.close();
        counters.write(OUT.resolve("counters-" + GENERATOR + ".json"));
        counters.writeTimeline(OUT.resolve("timeline-" + GENERATOR + ".tsv"));
        counters.writeLatencyWindows(OUT.resolve("latency-" + GENERATOR + ".tsv"));
    }

    private ChainBuilder signIn() {
        return exec(http("sign in")
                        .post("/api/v1/sessions")
                        .check(rt(), statusCode())
                        .body(StringBody("{\"email\":\"#{email}\",\"password\":\"" + PASSWORD + "\"}"))
                        .check(status().is(201), jmesPath("token").saveAs("token"))
                        .check(jmesPath("user.id").saveAs("me")))
                .exec(timed("sign in"));
    }

    /** The response time, first among a request's checks so that it is kept even when another fails. */
    private static CheckBuilder rt() {
        return responseTimeInMillis().saveAs("rt");
    }

    private static CheckBuilder statusCode() {
        return status().saveAs("statusCode");
    }

    /**
     * Records the last request under its kind: its response time (none when nothing answered) and,
     * when a check failed, an error under its status code ("no answer" without one). The session is
     * marked as succeeded again, so one failed request does not taint the next; sign-in keeps its
     * failure for the retry around it.
     */
    private Function<Session, Session> timed(String kind) {
        return session -> {
            record(kind, session);
            // a read that failed is an error, never a read-your-writes violation
            Session next = session.removeAll("rt", "statusCode").set("answered", !session.isFailed());
            return kind.equals("sign in") ? next : next.markAsSucceeded();
        };
    }

    private void record(String kind, Session session) {
        Integer millis = session.contains("rt") ? session.getInt("rt") : null;
        String error = !session.isFailed()
                ? null
                : session.contains("statusCode") ? Integer.toString(session.getInt("statusCode")) : "no answer";
        counters.request(kind, millis, error);
    }

    /** A think time; a user whose step has ended leaves here rather than after its journey. */
    private static ChainBuilder think() {
        return pause(Duration.ofSeconds(THINK_MIN), Duration.ofSeconds(THINK_MAX))
                .exitHereIf(session -> System.currentTimeMillis() >= END_MILLIS);
    }

    /** A GET that must answer 200, counting where the server says its reads went. */
    private ChainBuilder read(String name, String url, CheckBuilder... more) {
        List<CheckBuilder> checks = new ArrayList<>(List.of(
                status().is(200), header("Classbase-Read-Source").optional().saveAs("readSource")));
        checks.addAll(List.of(more));
        return exec(http(name)
                        .get(url)
                        .check(rt(), statusCode())
                        .header("Authorization", "Bearer #{token}")
                        .check(checks))
                .exec(session -> {
                    counters.readSource(session.getString("readSource"));
                    return session.remove("readSource");
                })
                .exec(timed(name));
    }

    /** The next id of a space-separated list column for this iteration, or none when it ran out. */
    private static Function<Session, Session> pick(String column, String as, boolean cycle) {
        return session -> {
            String list = session.getString(column);
            String[] ids = list == null || list.isBlank()
                    ? new String[0]
                    : list.strip().split(" ");
            int i = session.getInt("iteration");
            if (ids.length == 0 || (!cycle && i >= ids.length)) {
                return session.remove(as);
            }
            return session.set(as, ids[i % ids.length]);
        };
    }

    private ChainBuilder student() {
        return think().exec(read(
                        "catalog browse",
                        session -> "/api/v1/courses?limit=20&category="
                                + CATEGORIES.get(ThreadLocalRandom.current().nextInt(CATEGORIES.size()))))
                .exec(think())
                .exec(read(
                        "catalog search",
                        session -> "/api/v1/courses?q="
                                + SEARCHES.get(ThreadLocalRandom.current().nextInt(SEARCHES.size()))))
                .exec(think())
                .exec(read("course detail", "/api/v1/courses/#{course_id}"))
                .exec(think())
                .exec(enroll())
                .exec(think())
                .exec(read("progress", "/api/v1/courses/#{course_id}/progress"))
                .exec(think())
                .exec(read(
                        "next exercises",
                        session -> "/api/v1/exercises/next?limit=5&language="
                                + LANGUAGES.get(ThreadLocalRandom.current().nextInt(LANGUAGES.size()))
                                + "&difficulty="
                                + DIFFICULTIES.get(ThreadLocalRandom.current().nextInt(DIFFICULTIES.size())),
                        jmesPath("[0].id").optional().saveAs("exercise")))
                .doIf(session -> session.contains("exercise"))
                .then(think().exec(completeExercise()))
                .exec(think())
                .exec(pick("assignments", "assignment", false))
                .doIf(session -> session.contains("assignment"))
                .then(submit().exec(think()))
                .exec(eventBatch());
    }

    private ChainBuilder read(String name, Function<Session, String> url, CheckBuilder... more) {
        List<CheckBuilder> checks = new ArrayList<>(List.of(
                status().is(200), header("Classbase-Read-Source").optional().saveAs("readSource")));
        checks.addAll(List.of(more));
        return exec(http(name)
                        .get(url)
                        .check(rt(), statusCode())
                        .header("Authorization", "Bearer #{token}")
                        .check(checks))
                .exec(session -> {
                    counters.readSource(session.getString("readSource"));
                    return session.remove("readSource");
                })
                .exec(timed(name));
    }

    private ChainBuilder enroll() {
        return exec(pick("enroll_courses", "enrollCourse", true))
                .doIf(session -> session.contains("enrollCourse"))
                .then(exec(http("enroll")
                                .post("/api/v1/enrollments")
                                .check(rt(), statusCode())
                                .header("Authorization", "Bearer #{token}")
                                .body(StringBody("{\"courseId\":#{enrollCourse}}"))
                                .check(status().in(200, 201), jmesPath("id").saveAs("written")))
                        .exec(timed("enroll"))
                        .doIf(session -> session.contains("written"))
                        .then(exec(session -> {
                                    ledger.acknowledged(
                                            "enrollment",
                                            session.getLong("tenant_id"),
                                            session.getLong("me"),
                                            session.getString("enrollCourse"),
                                            session.getString("written"));
                                    return session;
                                })
                                .exec(read(
                                        "enrollments (own write)",
                                        "/api/v1/users/#{me}/enrollments",
                                        bodyString().saveAs("ownRead")))
                                .exec(session -> {
                                    String body = session.getString("ownRead");
                                    if (session.getBoolean("answered")
                                            && !body.contains("\"id\":" + session.getString("written") + ",")) {
                                        counters.violation("enrollment");
                                    }
                                    return session;
                                }))
                        .exec(session -> session.removeAll("written", "ownRead")));
    }

    private ChainBuilder completeExercise() {
        int score = 60 + ThreadLocalRandom.current().nextInt(41);
        return exec(http("complete exercise")
                        .post("/api/v1/exercises/#{exercise}/completion")
                        .check(rt(), statusCode())
                        .header("Authorization", "Bearer #{token}")
                        .body(StringBody("{\"score\":" + score + "}"))
                        .check(status().in(200, 201), jmesPath("userExerciseId").saveAs("written")))
                .exec(timed("complete exercise"))
                .doIf(session -> session.contains("written"))
                .then(exec(session -> {
                            ledger.acknowledged(
                                    "completion",
                                    session.getLong("tenant_id"),
                                    session.getLong("me"),
                                    session.getString("exercise"),
                                    session.getString("written"));
                            return session;
                        })
                        .exec(read(
                                "streak",
                                "/api/v1/users/#{me}/streak",
                                jmesPath("lastDay").optional().saveAs("lastDay")))
                        .exec(session -> {
                            // the completion made today (UTC) a day of the streak
                            if (session.getBoolean("answered")
                                    && !LocalDate.now(ZoneOffset.UTC).toString().equals(session.getString("lastDay"))) {
                                counters.violation("completion");
                            }
                            return session;
                        }))
                .exec(session -> session.removeAll("written", "lastDay", "exercise"));
    }

    /** A submission, then the same request again: a retry must answer the first row (200, same id). */
    private ChainBuilder submit() {
        return exec(session -> session.set("idemKey", UUID.randomUUID().toString()))
                .exec(http("submit assignment")
                        .post("/api/v1/assignments/#{assignment}/submissions")
                        .check(rt(), statusCode())
                        .header("Authorization", "Bearer #{token}")
                        .header("Idempotency-Key", "#{idemKey}")
                        .body(StringBody("{\"body\":\"essay #{idemKey}\"}"))
                        .check(status().in(200, 201), jmesPath("id").saveAs("written")))
                .exec(timed("submit assignment"))
                .doIf(session -> session.contains("written"))
                .then(exec(session -> {
                            ledger.acknowledged(
                                    "submission",
                                    session.getLong("tenant_id"),
                                    session.getLong("me"),
                                    session.getString("idemKey"),
                                    session.getString("written"));
                            return session;
                        })
                        .exec(http("submission retry (own write)")
                                .post("/api/v1/assignments/#{assignment}/submissions")
                                .check(rt(), statusCode())
                                .header("Authorization", "Bearer #{token}")
                                .header("Idempotency-Key", "#{idemKey}")
                                .body(StringBody("{\"body\":\"essay #{idemKey}\"}"))
                                .check(
                                        status().in(200, 201).saveAs("retryStatus"),
                                        jmesPath("id").optional().saveAs("retryId")))
                        .exec(timed("submission retry (own write)"))
                        .exec(session -> {
                            // 201 or another id: the retry did not find the first request's row
                            if (session.getBoolean("answered")
                                    && (session.getInt("retryStatus") != 200
                                            || !session.getString("written").equals(session.getString("retryId")))) {
                                counters.violation("submission");
                            }
                            return session;
                        }))
                .exec(session -> session.removeAll("written", "retryStatus", "retryId", "idemKey", "assignment"));
    }

    private ChainBuilder eventBatch() {
        return exec(session -> {
                    String batch = UUID.randomUUID().toString();
                    String now = Instant.now().toString();
                    StringBuilder body = new StringBuilder("{\"events\":[");
                    String[] kinds = {
                        "lesson_viewed", "video_played", "exercise_opened", "page_scrolled", "lesson_viewed"
                    };
                    for (int i = 0; i < kinds.length; i++) {
                        body.append(i == 0 ? "" : ",")
                                .append("{\"kind\":\"")
                                .append(kinds[i])
                                .append("\",\"occurredAt\":\"")
                                .append(now)
                                .append("\",\"payload\":{\"ledger\":\"")
                                .append(batch)
                                .append("\",\"n\":")
                                .append(i)
                                .append("}}");
                    }
                    return session.set("batch", batch)
                            .set("batchBody", body.append("]}").toString());
                })
                .exec(http("event batch")
                        .post("/api/v1/events")
                        .check(rt(), statusCode())
                        .header("Authorization", "Bearer #{token}")
                        .body(StringBody("#{batchBody}"))
                        .check(status().is(202), jmesPath("accepted").saveAs("written")))
                .exec(timed("event batch"))
                .doIf(session -> session.contains("written"))
                .then(exec(session -> {
                            ledger.acknowledged(
                                    "events",
                                    session.getLong("tenant_id"),
                                    session.getLong("me"),
                                    session.getString("batch"),
                                    session.getString("written"));
                            return session;
                        })
                        .exec(read(
                                "events (own write)",
                                "/api/v1/users/#{me}/events?limit=20",
                                bodyString().saveAs("ownRead")))
                        .exec(session -> {
                            String body = session.getString("ownRead");
                            if (session.getBoolean("answered") && !body.contains(session.getString("batch"))) {
                                counters.violation("events");
                            }
                            return session;
                        }))
                .exec(session -> session.removeAll("written", "ownRead", "batch", "batchBody"));
    }

    private ChainBuilder teacher() {
        return think().exec(read("gradebook", "/api/v1/sections/#{section_id}/gradebook"))
                .exec(think())
                .exec(read("at-risk", "/api/v1/courses/#{course_id}/at-risk"))
                .exec(think())
                .doIf(session -> !session.getString("student_id").isBlank())
                .then(read("engagement", "/api/v1/courses/#{course_id}/students/#{student_id}/engagement")
                        .exec(think()))
                .exec(pick("submissions", "toGrade", true))
                .doIf(session -> session.contains("toGrade"))
                .then(grade());
    }

    /** Grades one of the section's submissions (id:points), then reads the gradebook for the score. */
    private ChainBuilder grade() {
        return exec(session -> {
                    String[] idPoints = session.getString("toGrade").split(":");
                    BigDecimal points = new BigDecimal(idPoints[1]);
                    BigDecimal score = points.multiply(BigDecimal.valueOf(
                                    ThreadLocalRandom.current().nextInt(50, 101)))
                            .divide(BigDecimal.valueOf(100), 0, java.math.RoundingMode.DOWN);
                    return session.set("submission", idPoints[0]).set("score", score.toPlainString());
                })
                .exec(http("grade submission")
                        .post("/api/v1/submissions/#{submission}/grade")
                        .check(rt(), statusCode())
                        .header("Authorization", "Bearer #{token}")
                        .body(StringBody("{\"score\":#{score}}"))
                        .check(status().is(200), jmesPath("id").saveAs("written")))
                .exec(timed("grade submission"))
                .doIf(session -> session.contains("written"))
                .then(exec(session -> {
                            ledger.acknowledged(
                                    "grade",
                                    session.getLong("tenant_id"),
                                    session.getLong("me"),
                                    session.getString("score"),
                                    session.getString("written"));
                            return session;
                        })
                        .exec(read(
                                "gradebook (own write)",
                                "/api/v1/sections/#{section_id}/gradebook",
                                jmesPath("students[].cells[] | [?submissionId == `#{submission}`].score | [0]")
                                        .optional()
                                        .saveAs("seen")))
                        .exec(session -> {
                            String seen = session.getString("seen");
                            if (session.getBoolean("answered") && seen == null
                                    || seen != null
                                            && new BigDecimal(seen)
                                                            .compareTo(new BigDecimal(session.getString("score")))
                                                    != 0) {
                                counters.violation("grade");
                            }
                            return session;
                        }))
                .exec(session -> session.removeAll("written", "seen", "submission", "score", "toGrade"));
    }

    private ChainBuilder admin() {
        return think().exec(read("dashboard daily activity", "/api/v1/dashboard/daily-activity"))
                .exec(think())
                .exec(read("dashboard content metrics", "/api/v1/dashboard/content-metrics"))
                .exec(think())
                .exec(read("dashboard course analytics", "/api/v1/dashboard/course-analytics"))
                .exec(think())
                .exec(read("dashboard instructor performance", "/api/v1/dashboard/instructor-performance"))
                .exec(think())
                .doIf(session -> !session.getString("student_id").isBlank())
                .then(read("dashboard learning summary", "/api/v1/dashboard/users/#{student_id}/learning-summary")
                        .exec(think()))
                .doIf(session -> !session.getString("portfolio_id").isBlank())
                .then(read("portfolio export", "/api/v1/portfolios/#{portfolio_id}/export"));
    }
}
