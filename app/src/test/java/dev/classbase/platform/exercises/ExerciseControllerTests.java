package dev.classbase.platform.exercises;

import static dev.classbase.platform.atrisk.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Exercise selection, completion and streaks over HTTP, with the error contract. */
class ExerciseControllerTests {
    private final TestApp app = TestApp.shared();

    @Test
    void aStudentPicksCompletesOnceAndSeesTheStreak() {
        ExerciseFixture fixture = ExerciseFixture.create(6);
        var room = fixture.classroom();
        String student = app.signIn("student4@" + room.slug() + ".demo");

        HttpResponse<String> next = app.get("/api/v1/exercises/next?difficulty=easy&language=python&limit=2", student);
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        JsonNode exercises = TestApp.json(next);
        assertThat(exercises.findValuesAsString("language")).containsExactly("python", "python");
        long id = exercises.get(0).path("id").asLong();
        assertThat(id).isEqualTo(fixture.easyPython().getFirst());

        String completion = "/api/v1/exercises/" + id + "/completion";
        HttpResponse<String> first = app.post(completion, student, "{\"score\": 88.5}");
        HttpResponse<String> again = app.post(completion, student, null);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(TestApp.json(again).path("userExerciseId").asLong())
                .isEqualTo(TestApp.json(first).path("userExerciseId").asLong());
        assertThat(count(next)).isEqualTo(Budgets.SIGNED_IN + ExerciseServiceTests.NEXT);
        assertThat(count(first)).isEqualTo(Budgets.SIGNED_IN + ExerciseServiceTests.COMPLETE);
        assertThat(count(again)).isEqualTo(Budgets.SIGNED_IN + ExerciseServiceTests.COMPLETE);

        // read your writes: the completion's WAL position goes back with the next reads
        Map<String, String> after = Map.of(
                "Classbase-Consistency",
                first.headers().firstValue("Classbase-Consistency").orElseThrow());
        HttpResponse<String> streak =
                app.send("GET", "/api/v1/users/" + room.studentIds().get(3) + "/streak", student, null, after);
        assertThat(streak.statusCode()).as(streak.body()).isEqualTo(200);
        assertThat(count(streak)).isEqualTo(Budgets.SIGNED_IN + ExerciseServiceTests.STREAK);
        assertThat(TestApp.json(streak).path("current").asInt()).isEqualTo(1);
        assertThat(TestApp.json(app.send(
                                "GET",
                                "/api/v1/exercises/next?difficulty=easy&language=python&limit=1",
                                student,
                                null,
                                after))
                        .get(0)
                        .path("id")
                        .asLong())
                .isEqualTo(fixture.easyPython().get(1));
    }

    @Test
    void otherStudentsStreaksAreForbiddenAndOtherTenantsIdsNotFound() {
        ExerciseFixture mine = ExerciseFixture.create(4);
        ExerciseFixture theirs = ExerciseFixture.create(4);
        String student = app.signIn("student1@" + mine.classroom().slug() + ".demo");
        String teacher = app.signIn("teacher1@" + mine.classroom().slug() + ".demo");

        assertProblem(app.get("/api/v1/users/" + mine.classroom().studentIds().get(1) + "/streak", student), 403, null);
        assertThat(app.get("/api/v1/users/" + mine.classroom().studentIds().get(1) + "/streak", teacher)
                        .statusCode())
                .isEqualTo(200);
        assertProblem(
                app.get("/api/v1/users/" + theirs.classroom().studentIds().get(1) + "/streak", teacher), 404, null);
        assertProblem(
                app.post("/api/v1/exercises/" + theirs.easyPython().getFirst() + "/completion", student, null),
                404,
                null);
    }

    @Test
    void badInputIsAProblemNamingTheField() {
        ExerciseFixture fixture = ExerciseFixture.create(4);
        String student = app.signIn("student1@" + fixture.classroom().slug() + ".demo");
        String completion = "/api/v1/exercises/" + fixture.easyPython().get(3) + "/completion";

        assertProblem(app.get("/api/v1/exercises/next?language=python", student), 400, "difficulty");
        assertProblem(app.get("/api/v1/exercises/next?difficulty=easy", student), 400, "language");
        assertProblem(app.get("/api/v1/exercises/next?difficulty=easy&language=go&limit=ten", student), 400, "limit");
        assertProblem(app.get("/api/v1/exercises/next?difficulty=easy&language=go&limit=500", student), 400, "limit");
        assertProblem(app.post("/api/v1/exercises/abc/completion", student, null), 400, "id");
        assertProblem(app.post(completion, student, "{\"score\": \"lots\"}"), 400, "score");
        assertProblem(app.post(completion, student, "{\"score\": 250}"), 400, "score");
        assertProblem(app.post(completion, student, "{\"score\": [1]}"), 400, "score");
        assertProblem(app.post(completion, student, "{\"score\": 5"), 400, null);
        assertProblem(app.get("/api/v1/users/someone/streak", student), 400, "userId");
        // nothing was written by any of these
        HttpResponse<String> done = app.send("POST", completion, student, null, Map.of());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
    }

    private static int count(HttpResponse<String> response) {
        return Integer.parseInt(response.headers()
                .firstValue("Classbase-Query-Count")
                .orElseThrow(() -> new AssertionError("no Classbase-Query-Count: " + response.headers())));
    }
}
