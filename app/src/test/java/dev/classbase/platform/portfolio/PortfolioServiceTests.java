package dev.classbase.platform.portfolio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.data.DataTier;
import dev.classbase.data.watch.QueryWatch;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.platform.fixtures.Replicas;
import dev.classbase.testsupport.StatementBudget;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Portfolio export of 2 and 40 entries: same statements, everything attached to every entry. */
class PortfolioServiceTests {
    /** One call: the portfolio with its owner, everything its entries link, and the entries. */
    static final int EXPORT = Budgets.READ + 1;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TestApp app = TestApp.shared();
    private final PortfolioService service = app.bean(PortfolioService.class);
    private final QueryWatch watch = app.bean(QueryWatch.class);

    @Test
    void exportsEveryEntryWithEverythingAttachedInTheSameStatementsForTwoAndFortyEntries() throws Exception {
        PortfolioFixture small = PortfolioFixture.create(2, "private");
        PortfolioFixture large = PortfolioFixture.create(40, "private");

        List<JsonNode> docs = new ArrayList<>();
        var two = StatementBudget.measure(watch, () -> docs.add(export(owner(small), small.portfolioId())));
        var forty = StatementBudget.measure(watch, () -> docs.add(export(owner(large), large.portfolioId())));

        assertThat(two.statements()).as(two.describe()).isEqualTo(EXPORT);
        assertThat(forty.statements()).as(forty.describe()).isEqualTo(EXPORT);
        assertThat(two.nPlusOnes()).isEmpty();
        assertThat(forty.nPlusOnes()).isEmpty();

        JsonNode doc = docs.get(1);
        assertThat(doc.path("id").asLong()).isEqualTo(large.portfolioId());
        assertThat(doc.path("title").asString()).isEqualTo("My year");
        assertThat(doc.path("visibility").asString()).isEqualTo("private");
        assertThat(doc.path("owner").path("id").asLong())
                .isEqualTo(large.classroom().studentIds().getFirst());
        JsonNode entries = doc.path("entries");
        assertThat(entries.size()).isEqualTo(40);
        for (int i = 0; i < 40; i++) {
            JsonNode entry = entries.get(i);
            assertThat(entry.path("title").asString()).isEqualTo("Entry " + (i + 1)); // oldest first
            assertThat(entry.path("submission").path("assignmentId").asLong())
                    .isEqualTo(large.classroom().assignmentIds().get(i));
            assertThat(entry.path("submission").path("status").asString()).isEqualTo("graded");
            assertThat(entry.path("quizAttempt").path("quizId").asLong())
                    .isEqualTo(large.classroom().quizId());
            assertThat(entry.path("quizAttempt").path("quizTitle").asString()).isEqualTo("Quiz 1");
            assertThat(entry.path("resource").path("title").asString()).startsWith("Reading ");
            assertThat(entry.path("standards").findValuesAsString("code")).containsExactly("STD-1", "STD-2");
            assertThat(entry.path("comments").findValuesAsString("body")).containsExactly("Well done", "Thanks");
            assertThat(entry.path("comments").get(0).path("authorName").asString())
                    .isEqualTo("Teacher One");
        }
        assertThat(entries.get(0).path("submission").path("score").decimalValue())
                .isEqualByComparingTo("80");
        assertThat(entries.get(1).path("submission").path("score").decimalValue())
                .isEqualByComparingTo("90");
        assertThat(entries.get(0).path("createdAt").asString())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(docs.get(0).path("entries").size()).isEqualTo(2);
    }

    @Test
    void entriesWithoutStandardsOrCommentsStillGetBothArrays() throws Exception {
        // the export streams an entry's row, then its standards' rows, then its comments' rows:
        // every mix of present and missing must still close each entry with both arrays
        PortfolioFixture fixture = PortfolioFixture.create(4, "private");
        long tenant = fixture.classroom().tenantId();
        JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());
        List<Long> ids = owner.sql("""
                        select id from portfolio_entries where tenant_id = :t and portfolio_id = :p
                        order by created_at, id
                        """)
                .param("t", tenant)
                .param("p", fixture.portfolioId())
                .query(Long.class)
                .list();
        // entry 1: no standards; entry 2: no comments; entry 3: neither; entry 4: both
        owner.sql("delete from portfolio_entry_standards where tenant_id = :t and portfolio_entry_id in (:e)")
                .param("t", tenant)
                .param("e", List.of(ids.get(0), ids.get(2)))
                .update();
        owner.sql("delete from portfolio_comments where tenant_id = :t and portfolio_entry_id in (:e)")
                .param("t", tenant)
                .param("e", List.of(ids.get(1), ids.get(2)))
                .update();
        owner.sql("update standards set grade_level = null where tenant_id = :t and code = 'STD-2'")
                .param("t", tenant)
                .update();
        Replicas.await("""
                select (select count(*) from portfolio_comments where tenant_id = :t) = 4
                   and (select count(*) from portfolio_entry_standards where tenant_id = :t) = 4
                   and exists (select 1 from standards where tenant_id = :t and grade_level is null)
                """, Map.of("t", tenant));

        JsonNode entries = export(owner(fixture), fixture.portfolioId()).path("entries");

        assertThat(entries.size()).isEqualTo(4);
        assertThat(entries.valueStream()
                        .map(e -> e.path("standards").size() + "/"
                                + e.path("comments").size()))
                .containsExactly("0/2", "2/0", "0/0", "2/2");
        JsonNode std2 = entries.get(3).path("standards").get(1);
        assertThat(std2.path("code").asString()).isEqualTo("STD-2");
        assertThat(std2.path("subject").asString()).isEqualTo("mathematics");
        assertThat(std2.path("description").asString()).isEqualTo("Standard 2");
        assertThat(std2.path("id").asLong()).isPositive();
        assertThat(std2.has("gradeLevel")).isTrue();
        assertThat(std2.path("gradeLevel").isNull()).isTrue();
        assertThat(entries.get(3).path("standards").get(0).path("gradeLevel").asString())
                .isEqualTo("9");
        JsonNode thanks = entries.get(3).path("comments").get(1);
        assertThat(thanks.path("body").asString()).isEqualTo("Thanks");
        assertThat(thanks.path("authorId").asLong())
                .isEqualTo(fixture.classroom().studentIds().getFirst());
        assertThat(thanks.path("id").asLong()).isPositive();
        assertThat(thanks.path("createdAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(entries.get(0).path("comments").get(0).path("body").asString())
                .isEqualTo("Well done");
    }

    @Test
    void anEmptyPortfolioIsAWholeDocument() throws Exception {
        PortfolioFixture empty = PortfolioFixture.create(0, "public");
        JsonNode doc = export(owner(empty), empty.portfolioId());
        assertThat(doc.path("entries").isArray()).isTrue();
        assertThat(doc.path("entries").size()).isZero();
    }

    @Test
    void theOwnerAdminsAndThoseItIsSharedWithSeeItAndOtherTenantsPortfoliosAreNotFound() throws Exception {
        PortfolioFixture secret = PortfolioFixture.create(1, "private");
        PortfolioFixture forTeachers = PortfolioFixture.create(1, "teachers");
        var room = secret.classroom();

        assertThat(export(room.admin(), secret.portfolioId()).path("entries").size())
                .isEqualTo(1);
        assertStatus(() -> export(room.student(1), secret.portfolioId()), 403);
        assertStatus(() -> export(room.teacher(), secret.portfolioId()), 403);
        assertThat(export(forTeachers.classroom().teacher(), forTeachers.portfolioId())
                        .path("entries")
                        .size())
                .isEqualTo(1);
        assertStatus(() -> export(forTeachers.classroom().student(1), forTeachers.portfolioId()), 403);
        assertStatus(() -> export(room.admin(), forTeachers.portfolioId()), 404);
        assertStatus(() -> export(room.admin(), Long.MAX_VALUE), 404);
    }

    @Test
    void theExportsFunctionRunsUnderTheCallersRowLevelSecurity() throws Exception {
        // classbase_portfolio_export is SECURITY INVOKER: as the service role, with another tenant
        // bound, a public portfolio asked for by its own tenant's id has no row at all
        PortfolioFixture mine = PortfolioFixture.create(1, "public");
        PortfolioFixture theirs = PortfolioFixture.create(1, "public");
        var cluster = TestCluster.shared().cluster();
        DataSource service = TestCluster.dataSource(cluster.service(cluster.primary()));
        assertThat(exportRows(service, theirs.classroom().tenantId(), theirs)).isGreaterThan(1);
        assertThat(exportRows(service, mine.classroom().tenantId(), theirs)).isZero();
    }

    private static long exportRows(DataSource service, long boundTenant, PortfolioFixture fixture) throws SQLException {
        try (Connection c = service.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement bind = c.prepareStatement("select set_config('app.tenant_id', ?, true)");
                    PreparedStatement call = c.prepareStatement(
                            "select count(*) from classbase_portfolio_export(?, ?, 0, array['public'])")) {
                bind.setString(1, Long.toString(boundTenant));
                bind.execute();
                call.setLong(1, fixture.classroom().tenantId());
                call.setLong(2, fixture.portfolioId());
                try (ResultSet rs = call.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } finally {
                c.rollback();
            }
        }
    }

    private static Caller owner(PortfolioFixture fixture) {
        return fixture.classroom().student(0);
    }

    private JsonNode export(Caller caller, long portfolio) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            service.export(caller, portfolio, () -> out);
        }
        return JSON.readTree(out.toByteArray());
    }

    private static void assertStatus(ThrowingCallable call, int status) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(status));
    }
}
