package dev.classbase.data.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The per-request scope: the count header, set before commit, and the route in SQL comments. */
class QueryWatchFilterTests {
    private static SingleConnectionDataSource connection;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final QueryWatch watch = new QueryWatch(QueryWatchProperties.defaults(), registry);
    private JdbcClient jdbc;
    private MockMvc mvc;

    @BeforeAll
    static void connect() throws SQLException {
        // one real connection for the class: opening one per statement would only slow the tests
        connection = new SingleConnectionDataSource(
                TestCluster.shared().primaryDataSource().getConnection(), true);
    }

    @AfterAll
    static void disconnect() {
        connection.destroy();
    }

    @BeforeEach
    void setUp() {
        DataSource db = watch.wrap("primary", connection);
        jdbc = JdbcClient.create(db);
        mvc = MockMvcBuilders.standaloneSetup(new CourseController(jdbc))
                .addFilters(new QueryWatchFilter(watch.properties()))
                .build();
    }

    @AfterEach
    void noScopeLeaks() {
        assertThat(QueryWatch.current()).as("the filter closed its scope").isEmpty();
    }

    @Test
    void theHeaderCountsTheRequestsStatementsAndPostgresSeesTheRoutePattern() throws Exception {
        MvcResult result = mvc.perform(get("/api/v1/courses/4242"))
                .andExpect(status().isOk())
                .andExpect(header().string(QueryWatchFilter.HEADER, "3"))
                .andReturn();
        String seenByPostgres = result.getResponse().getContentAsString();
        assertThat(seenByPostgres)
                .startsWith("/* route:GET /api/v1/courses/{id} */ SELECT query FROM pg_stat_activity")
                .doesNotContain("4242");
    }

    @Test
    void anNPlusOneInARequestIsCountedForItsRoute() throws Exception {
        mvc.perform(get("/api/v1/courses/7/lessons"))
                .andExpect(status().isOk())
                .andExpect(header().string(QueryWatchFilter.HEADER, "8"));
        assertThat(watch.nPlusOneDetections()).isEqualTo(1);
        assertThat(registry.get("classbase.query.n_plus_one")
                        .tag("route", "GET /api/v1/courses/{id}/lessons")
                        .counter()
                        .count())
                .isEqualTo(1.0);

        mvc.perform(get("/api/v1/courses/7")).andExpect(status().isOk());
        assertThat(watch.nPlusOneDetections())
                .as("each request has its own scope")
                .isEqualTo(1);
    }

    @Test
    void aStreamedBodyCarriesTheHeader() throws Exception {
        MvcResult started = mvc.perform(get("/api/v1/courses/7/export"))
                .andExpect(request().asyncStarted())
                .andReturn();
        MvcResult done = mvc.perform(asyncDispatch(started))
                .andExpect(status().isOk())
                .andExpect(header().string(QueryWatchFilter.HEADER, "2"))
                .andReturn();
        assertThat(done.getResponse().getContentAsByteArray()).hasSize(10_000);
    }

    @Test
    void theHeaderIsSetBeforeAFlushCommitsTheResponse() throws Exception {
        CommitSnapshot response = new CommitSnapshot();
        FilterChain chain = (req, res) -> {
            count(2);
            res.getOutputStream().write("partial".getBytes(StandardCharsets.UTF_8));
            res.flushBuffer();
            count(1); // after the commit: too late for the header, and it must not pretend otherwise
        };
        new QueryWatchFilter(watch.properties()).doFilter(new MockHttpServletRequest("GET", "/x"), response, chain);

        assertThat(response.isCommitted()).isTrue();
        assertThat(response.headerAtCommit).isEqualTo("2");
        assertThat(response.getHeader(QueryWatchFilter.HEADER)).isEqualTo("2");
    }

    @Test
    void aBodyLargerThanTheBufferCommitsWithTheHeader() throws Exception {
        CommitSnapshot response = new CommitSnapshot();
        FilterChain chain = (req, res) -> {
            count(1);
            res.getWriter().print("y".repeat(response.getBufferSize() * 3));
        };
        new QueryWatchFilter(watch.properties()).doFilter(new MockHttpServletRequest("GET", "/x"), response, chain);

        assertThat(response.isCommitted()).isTrue();
        assertThat(response.headerAtCommit).isEqualTo("1");
    }

    @Test
    void aResponseWithoutABodyGetsTheFinalCount() throws Exception {
        CommitSnapshot response = new CommitSnapshot();
        FilterChain chain = (req, res) -> {
            count(4);
            ((HttpServletResponse) res).setStatus(204);
        };
        new QueryWatchFilter(watch.properties()).doFilter(new MockHttpServletRequest("DELETE", "/x"), response, chain);

        assertThat(response.getHeader(QueryWatchFilter.HEADER)).isEqualTo("4");
    }

    @Test
    void theHeaderCanBeTurnedOff() throws Exception {
        var properties = new QueryWatchProperties(true, false, 5, Duration.ofMillis(500), Duration.ofSeconds(5));
        MockHttpServletResponse response = new MockHttpServletResponse();
        int[] counted = new int[1];
        FilterChain chain = (req, res) -> {
            count(2);
            counted[0] = QueryWatch.current().orElseThrow().statements();
        };
        new QueryWatchFilter(properties).doFilter(new MockHttpServletRequest("GET", "/x"), response, chain);

        assertThat(counted[0]).as("still counted").isEqualTo(2);
        assertThat(response.getHeader(QueryWatchFilter.HEADER)).isNull();
    }

    @Test
    void theRouteIsThePatternAndTheMethodNeverAFreeValue() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/courses/99");
        assertThat(QueryWatchFilter.route(request)).as("no handler matched yet").isNull();

        request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/api/v1/courses/{id}");
        assertThat(QueryWatchFilter.route(request)).isEqualTo("route:GET /api/v1/courses/{id}");

        request.setMethod("X-INJECT */ DROP");
        assertThat(QueryWatchFilter.route(request)).isEqualTo("route:OTHER /api/v1/courses/{id}");
    }

    private void count(int statements) {
        for (int i = 0; i < statements; i++) {
            jdbc.sql("SELECT ?::int").param(i).query(Integer.class).single();
        }
    }

    /** Remembers the header as it was at the moment of commit, which a real container enforces. */
    private static final class CommitSnapshot extends MockHttpServletResponse {
        String headerAtCommit;

        @Override
        public void setCommitted(boolean committed) {
            if (committed && !isCommitted()) {
                headerAtCommit = getHeader(QueryWatchFilter.HEADER);
            }
            super.setCommitted(committed);
        }
    }

    @RestController
    static class CourseController {
        private final JdbcClient jdbc;

        CourseController(JdbcClient jdbc) {
            this.jdbc = jdbc;
        }

        /** Three statements; returns the text PostgreSQL received for the last one. */
        @GetMapping("/api/v1/courses/{id}")
        String course(@PathVariable("id") long id) {
            jdbc.sql("SELECT ?::bigint").param(id).query(Long.class).single();
            jdbc.sql("SELECT 'title'").query(String.class).single();
            return jdbc.sql("SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid()")
                    .query(String.class)
                    .single();
        }

        /** The N+1: one statement per lesson. */
        @GetMapping("/api/v1/courses/{id}/lessons")
        String lessons(@PathVariable("id") long id) {
            for (int lesson = 0; lesson < 8; lesson++) {
                jdbc.sql("SELECT ?::int AS lesson")
                        .param(lesson)
                        .query(Integer.class)
                        .single();
            }
            return "8 lessons";
        }

        @GetMapping("/api/v1/courses/{id}/export")
        StreamingResponseBody export(@PathVariable("id") long id) {
            jdbc.sql("SELECT ?::bigint").param(id).query(Long.class).single();
            jdbc.sql("SELECT 'export'").query(String.class).single();
            return out -> {
                for (int i = 0; i < 10; i++) {
                    out.write(new byte[1_000]);
                    out.flush();
                }
            };
        }
    }
}
