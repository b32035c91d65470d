package dev.classbase.platform.catalog;

import static dev.classbase.platform.fixtures.ApiCalls.badRequest;
import static dev.classbase.platform.fixtures.ApiCalls.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.ApiCalls;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.event.TransactionalApplicationListenerAdapter;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.JsonNode;

/**
 * Course authoring over HTTP: a teacher creates, changes, publishes and unpublishes a course and
 * the catalog follows (read with the write's consistency token, so a replica answers only once it
 * has the write); an admin authors for a teacher; a student is refused (403); another tenant's
 * and another teacher's courses are not found (404); bad bodies are 400 naming the field; a refused
 * write writes nothing; every successful write publishes {@link CourseChanged} once, inside its
 * transaction, and a refused one none. One statement per write beside the data tier's own.
 */
class CourseAuthoringControllerTests {
    private static final int WRITE = Budgets.SIGNED_IN + Budgets.WRITE + 1;
    private static final String CONSISTENCY = "Classbase-Consistency";

    private static TestApp app;
    private static ApiCalls api;
    private static JdbcClient owner;
    private static final List<CourseChanged> committed = Collections.synchronizedList(new ArrayList<>());
    private static final List<Boolean> publishedInTransaction = Collections.synchronizedList(new ArrayList<>());
    private static ApplicationListener<ApplicationEvent> afterCommit;
    private static ApplicationListener<ApplicationEvent> onPublish;

    @BeforeAll
    static void listen() {
        app = TestApp.shared();
        api = new ApiCalls(app);
        owner = JdbcClient.create(TestCluster.shared().primaryDataSource());
        // what a cache of catalog reads does: act on the event after the write committed
        afterCommit = new TransactionalApplicationListenerAdapter<>(event -> {
            if (event instanceof PayloadApplicationEvent<?> p && p.getPayload() instanceof CourseChanged c) {
                committed.add(c);
            }
        });
        onPublish = event -> {
            if (event instanceof PayloadApplicationEvent<?> p && p.getPayload() instanceof CourseChanged) {
                publishedInTransaction.add(TransactionSynchronizationManager.isActualTransactionActive());
            }
        };
        app.context().addApplicationListener(afterCommit);
        app.context().addApplicationListener(onPublish);
    }

    @AfterAll
    static void stopListening() {
        app.context().removeApplicationListener(afterCommit);
        app.context().removeApplicationListener(onPublish);
    }

    @Test
    void aTeacherCreatesPublishesRenamesAndUnpublishesAndTheCatalogFollows() {
        Classroom school = Classroom.create(1, 0);
        String teacher = app.signIn(school.teacher().email());
        String student = app.signIn(school.student(0).email());

        var created = api.post(
                "/api/v1/courses",
                teacher,
                "{\"title\": \"  Tide Pools \", \"description\": \"Marine life of the rocky shore\", "
                        + "\"category\": \"science\"}");
        assertThat(created.status()).as(created.response().body()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        assertThat(created.response().headers().firstValue("Location")).hasValue("/api/v1/courses/" + id);
        assertThat(created.response().headers().firstValue(CONSISTENCY)).isPresent();
        assertThat(created.json().path("title").asString()).isEqualTo("Tide Pools");
        assertThat(created.json().path("status").asString()).isEqualTo("draft");
        assertThat(created.json().path("instructor").path("id").asLong()).isEqualTo(school.teacherId());
        assertThat(created.json().path("sections")).isEmpty();
        assertThat(created.json().has("publishedAt")).isFalse();
        assertThat(created.statements()).as("create").isEqualTo(WRITE);
        assertThat(catalogIds(student, "?q=tide", created)).doesNotContain(id);
        problem(api.send("GET", "/api/v1/courses/" + id, student, null, token(created)), 404);
        assertThat(api.send("GET", "/api/v1/courses/" + id, teacher, null, token(created))
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("draft");

        var published = patch(teacher, id, "{\"status\": \"published\"}");
        assertThat(published.status()).as(published.response().body()).isEqualTo(200);
        assertThat(published.json().path("status").asString()).isEqualTo("published");
        assertThat(published.json().has("publishedAt")).isTrue();
        assertThat(published.json().path("title").asString()).isEqualTo("Tide Pools");
        assertThat(published.statements()).as("publish").isEqualTo(WRITE);
        assertThat(catalogIds(student, "?q=tide", published)).containsExactly(id);
        assertThat(catalogIds(student, "?category=science", published)).contains(id);
        assertThat(api.send("GET", "/api/v1/courses/" + id, student, null, token(published))
                        .status())
                .isEqualTo(200);

        // search_vector is generated from title and description: a rename is searchable at once
        var renamed = patch(teacher, id, "{\"title\": \"Rock Pools\", \"category\": \"marine_science\"}");
        assertThat(renamed.status()).as(renamed.response().body()).isEqualTo(200);
        assertThat(renamed.json().path("description").asString()).isEqualTo("Marine life of the rocky shore");
        assertThat(renamed.json().path("category").asString()).isEqualTo("marine_science");
        assertThat(catalogIds(student, "?q=rock", renamed)).containsExactly(id);
        assertThat(catalogIds(student, "?q=tide", renamed)).isEmpty();
        assertThat(catalogIds(student, "?category=marine_science", renamed)).containsExactly(id);
        assertThat(catalogIds(student, "?category=science", renamed)).doesNotContain(id);

        var cleared = patch(teacher, id, "{\"description\": \"\"}");
        assertThat(cleared.json().has("description")).isFalse();
        assertThat(catalogIds(student, "?q=marine", cleared)).isEmpty();

        var unpublished = patch(teacher, id, "{\"status\": \"draft\"}");
        assertThat(unpublished.status()).as(unpublished.response().body()).isEqualTo(200);
        assertThat(unpublished.json().has("publishedAt")).isFalse();
        assertThat(unpublished.statements()).as("unpublish").isEqualTo(WRITE);
        assertThat(catalogIds(student, "?q=rock", unpublished)).isEmpty();
        assertThat(catalogIds(student, "", unpublished)).containsExactly(school.courseId());
        problem(api.send("GET", "/api/v1/courses/" + id, student, null, token(unpublished)), 404);

        var archived = patch(teacher, id, "{\"status\": \"archived\"}");
        assertThat(archived.json().path("status").asString()).isEqualTo("archived");
        assertThat(catalogIds(student, "?q=rock", archived)).isEmpty();

        // the course's counters are untouched by authoring; the existing course still has its student
        var existing = patch(teacher, school.courseId(), "{\"title\": \"Budget Algebra II\"}");
        assertThat(existing.json().path("enrollmentsCount").asInt()).isEqualTo(1);
        assertThat(existing.json().path("sections")).hasSize(1);
        assertThat(created.nPlusOnes() + published.nPlusOnes() + renamed.nPlusOnes() + unpublished.nPlusOnes())
                .isZero();
    }

    @Test
    void anAdminAuthorsForATeacherOfTheTenantOnly() {
        Classroom school = Classroom.create(1, 0);
        Classroom other = Classroom.create(1, 0);
        String admin = app.signIn(school.admin().email());
        String teacher = app.signIn(school.teacher().email());

        var created = api.post(
                "/api/v1/courses",
                admin,
                "{\"title\": \"Orchestra\", \"category\": \"arts\", \"status\": \"published\", \"instructorId\": "
                        + school.teacherId() + "}");
        assertThat(created.status()).as(created.response().body()).isEqualTo(201);
        assertThat(created.json().path("instructor").path("id").asLong()).isEqualTo(school.teacherId());
        assertThat(created.json().path("instructor").path("name").asString()).isEqualTo("Teacher One");
        assertThat(created.json().path("status").asString()).isEqualTo("published");
        assertThat(created.json().has("publishedAt")).isTrue();
        assertThat(created.statements()).isEqualTo(WRITE);
        long id = created.json().path("id").asLong();
        // the teacher now authors it; the admin may change any course of the tenant
        assertThat(patch(teacher, id, "{\"title\": \"Orchestra I\"}").status()).isEqualTo(200);
        assertThat(patch(admin, id, "{\"status\": \"draft\"}")
                        .json()
                        .path("title")
                        .asString())
                .isEqualTo("Orchestra I");

        long before = courses(school.tenantId());
        badRequest(
                api.post("/api/v1/courses", admin, "{\"title\": \"Choir\", \"category\": \"arts\"}"), "instructorId");
        for (long notATeacher :
                List.of(school.studentIds().getFirst(), school.adminId(), other.teacherId(), Long.MAX_VALUE)) {
            problem(
                    api.post(
                            "/api/v1/courses",
                            admin,
                            "{\"title\": \"Choir\", \"category\": \"arts\", \"instructorId\": " + notATeacher + "}"),
                    404);
        }
        var forSomeoneElse = api.post(
                "/api/v1/courses",
                teacher,
                "{\"title\": \"Choir\", \"category\": \"arts\", \"instructorId\": " + school.adminId() + "}");
        problem(forSomeoneElse, 403);
        var forThemselves = api.post(
                "/api/v1/courses",
                teacher,
                "{\"title\": \"Choir\", \"category\": \"arts\", \"instructorId\": " + school.teacherId() + "}");
        assertThat(forThemselves.status()).isEqualTo(201);
        assertThat(courses(school.tenantId())).isEqualTo(before + 1);
    }

    @Test
    void studentsAreForbiddenAndOtherTenantsAndOtherTeachersCoursesAreNotFound() {
        Classroom school = Classroom.create(1, 0);
        Classroom other = Classroom.create(1, 0);
        long secondTeacher = owner.sql("""
                        insert into users (tenant_id, email, full_name, role, password_hash)
                        select tenant_id, 'teacher2@' || :slug || '.demo', 'Teacher Two', 'teacher', password_hash
                        from users where tenant_id = :t and id = :teacher
                        returning id
                        """)
                .param("slug", school.slug())
                .param("t", school.tenantId())
                .param("teacher", school.teacherId())
                .query(Long.class)
                .single();
        String student = app.signIn(school.student(0).email());
        String colleague = app.signIn("teacher2@" + school.slug() + ".demo");
        String admin = app.signIn(school.admin().email());
        String teacher = app.signIn(school.teacher().email());
        String before = courseRow(school.tenantId(), school.courseId());
        String otherBefore = courseRow(other.tenantId(), other.courseId());
        int events = committed.size();

        problem(api.post("/api/v1/courses", student, "{\"title\": \"Mine\", \"category\": \"arts\"}"), 403);
        problem(patch(student, school.courseId(), "{\"status\": \"draft\"}"), 403);
        // a teacher who does not teach it cannot tell it from a course that does not exist
        problem(patch(colleague, school.courseId(), "{\"status\": \"draft\"}"), 404);
        problem(patch(teacher, other.courseId(), "{\"status\": \"draft\"}"), 404);
        problem(patch(admin, other.courseId(), "{\"status\": \"draft\"}"), 404);
        problem(patch(admin, Long.MAX_VALUE, "{\"status\": \"draft\"}"), 404);
        badRequest(api.send("PATCH", "/api/v1/courses/x", admin, "{\"status\": \"draft\"}", Map.of()), "id");

        assertThat(courseRow(school.tenantId(), school.courseId())).isEqualTo(before);
        assertThat(courseRow(other.tenantId(), other.courseId())).isEqualTo(otherBefore);
        assertThat(courses(school.tenantId())).isEqualTo(1);
        assertThat(committed.size()).isEqualTo(events);
        // the colleague authors their own course alone
        var own = api.post("/api/v1/courses", colleague, "{\"title\": \"Their Own\", \"category\": \"arts\"}");
        assertThat(own.json().path("instructor").path("id").asLong()).isEqualTo(secondTeacher);
        problem(patch(teacher, own.json().path("id").asLong(), "{\"title\": \"Taken\"}"), 404);
    }

    @Test
    void badBodiesAre400NamingTheFieldAndWriteNothing() {
        Classroom school = Classroom.create(1, 0);
        String teacher = app.signIn(school.teacher().email());
        String before = courseRow(school.tenantId(), school.courseId());
        int events = committed.size();
        String longTitle = "x".repeat(CourseFields.MAX_TITLE + 1);

        problem(api.post("/api/v1/courses", teacher, "{\"title\": "), 400);
        for (var bad : List.of(
                new String[] {"{\"category\": \"arts\"}", "title"},
                new String[] {"{\"title\": \"   \", \"category\": \"arts\"}", "title"},
                new String[] {"{\"title\": \"" + longTitle + "\", \"category\": \"arts\"}", "title"},
                new String[] {"{\"title\": \"a\\u0000b\", \"category\": \"arts\"}", "title"},
                new String[] {"{\"title\": \"Art\"}", "category"},
                new String[] {"{\"title\": \"Art\", \"category\": \"Fine Arts\"}", "category"},
                new String[] {"{\"title\": \"Art\", \"category\": \"arts\", \"status\": \"live\"}", "status"},
                new String[] {"{\"title\": \"Art\", \"category\": \"arts\", \"instructorId\": -1}", "instructorId"},
                new String[] {"{\"title\": \"Art\", \"category\": \"arts\", \"instructorId\": \"me\"}", "instructorId"},
                new String[] {
                    "{\"title\": \"Art\", \"category\": \"arts\", \"description\": \""
                            + "d".repeat(CourseFields.MAX_DESCRIPTION + 1) + "\"}",
                    "description"
                },
                new String[] {"{\"title\": \"Art\", \"category\": \"arts\", \"titel\": \"Art\"}", "titel"})) {
            badRequest(api.post("/api/v1/courses", teacher, bad[0]), bad[1]);
        }
        long course = school.courseId();
        for (var bad : List.of(
                new String[] {"{\"title\": \"\"}", "title"},
                new String[] {"{\"title\": \"" + longTitle + "\"}", "title"},
                new String[] {"{\"category\": \"\"}", "category"},
                new String[] {"{\"status\": \"live\"}", "status"},
                new String[] {"{\"status\": \"Published\"}", "status"},
                new String[] {"{\"status\": 1}", "status"},
                new String[] {"{\"status\": \"published\", \"instructorId\": 5}", "instructorId"})) {
            badRequest(patch(teacher, course, bad[0]), bad[1]);
        }
        problem(patch(teacher, course, "{}"), 400);
        problem(patch(teacher, course, "{\"title\": null}"), 400);

        assertThat(courseRow(school.tenantId(), course)).isEqualTo(before);
        assertThat(courses(school.tenantId())).isEqualTo(1);
        assertThat(committed.size()).isEqualTo(events);
    }

    @Test
    void everySuccessfulWritePublishesCourseChangedOnceInsideItsTransaction() {
        Classroom school = Classroom.create(1, 0);
        String teacher = app.signIn(school.teacher().email());
        publishedInTransaction.clear();

        var created = api.post("/api/v1/courses", teacher, "{\"title\": \"Pottery\", \"category\": \"arts\"}");
        long id = created.json().path("id").asLong();
        patch(teacher, id, "{\"status\": \"published\"}");
        patch(teacher, id, "{\"title\": \"Ceramics\"}");
        badRequest(patch(teacher, id, "{\"status\": \"live\"}"), "status");
        problem(patch(teacher, Long.MAX_VALUE, "{\"status\": \"draft\"}"), 404);
        problem(
                api.post(
                        "/api/v1/courses",
                        teacher,
                        "{\"title\": \"Kiln\", \"category\": \"arts\", \"instructorId\": " + school.adminId() + "}"),
                403);

        assertThat(ofTenant(school.tenantId()))
                .containsExactly(
                        new CourseChanged(school.tenantId(), id),
                        new CourseChanged(school.tenantId(), id),
                        new CourseChanged(school.tenantId(), id));
        assertThat(publishedInTransaction).containsOnly(true);
    }

    @Test
    void theOpenApiDocumentShowsBothOperationsWithTheirBodies() {
        JsonNode doc = TestApp.json(app.get("/v3/api-docs", null));
        JsonNode post = doc.path("paths").path("/api/v1/courses").path("post");
        JsonNode patch = doc.path("paths").path("/api/v1/courses/{id}").path("patch");
        assertThat(post.path("requestBody")
                        .path("content")
                        .path("application/json")
                        .path("schema")
                        .path("$ref")
                        .asString())
                .endsWith("/NewCourse");
        assertThat(patch.path("requestBody")
                        .path("content")
                        .path("application/json")
                        .path("schema")
                        .path("$ref")
                        .asString())
                .endsWith("/CourseChanges");
        JsonNode schemas = doc.path("components").path("schemas");
        assertThat(names(schemas.path("NewCourse").path("properties")))
                .containsExactlyInAnyOrder("title", "description", "category", "status", "instructorId");
        assertThat(names(schemas.path("CourseChanges").path("properties")))
                .containsExactlyInAnyOrder("title", "description", "category", "status");
        assertThat(names(schemas.path("NewCourse").path("required"))).containsExactlyInAnyOrder("title", "category");
    }

    private static ApiCalls.Call patch(String token, long id, String json) {
        return api.send("PATCH", "/api/v1/courses/" + id, token, json, Map.of());
    }

    private static Map<String, String> token(ApiCalls.Call write) {
        return Map.of(
                CONSISTENCY, write.response().headers().firstValue(CONSISTENCY).orElseThrow());
    }

    /** The ids of a catalog page, read no earlier than the write's WAL position. */
    private static List<Long> catalogIds(String token, String query, ApiCalls.Call after) {
        var page = api.send("GET", "/api/v1/courses" + query, token, null, token(after));
        assertThat(page.status()).as(page.response().body()).isEqualTo(200);
        return StreamSupport.stream(page.json().path("items").spliterator(), false)
                .map(item -> item.path("id").asLong())
                .toList();
    }

    private static List<CourseChanged> ofTenant(long tenant) {
        synchronized (committed) {
            return committed.stream().filter(c -> c.tenantId() == tenant).toList();
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> names.add(n.asString()));
        } else {
            names.addAll(node.propertyNames());
        }
        return names;
    }

    private static long courses(long tenant) {
        return owner.sql("select count(*) from courses where tenant_id = :t")
                .param("t", tenant)
                .query(Long.class)
                .single();
    }

    /** The whole row as text, to prove a refused write changed nothing. */
    private static String courseRow(long tenant, long id) {
        return owner.sql("select c::text from courses as c where tenant_id = :t and id = :id")
                .param("t", tenant)
                .param("id", id)
                .query(String.class)
                .single();
    }
}
