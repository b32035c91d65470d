package dev.classbase.platform.portfolio;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The export's SQL: the portfolio, then every entry with all it links in one statement (seed
 * 000's {@code includes(:submission, :quiz_attempt, :resource, :standards, :portfolio_comments)}
 * without the five queries per entry).
 */
@Component
class PortfolioQueries {
    static final String PORTFOLIO = """
            select p.id, p.user_id, u.full_name, p.title, p.visibility, p.created_at
            from portfolios as p
            join users as u on u.tenant_id = p.tenant_id and u.id = p.user_id
            where p.tenant_id = :tenant and p.id = :id
            """;

    /** {@link #ENTRIES}' {@code part}: an entry's row, then its standards' rows, then its comments'. */
    static final int ENTRY = 0;

    static final int STANDARD = 1;
    static final int COMMENT = 2;

    /*
     * The rows in the order the document is written: each entry (part 0, with its submission,
     * quiz attempt and resource as columns), then its standards (part 1, by code), then its
     * comments (part 2, oldest first). Three plain joins and one sort of entries + standards +
     * comments rows, padded to one column list (a part's columns are null on the others' rows).
     * It replaced one row per entry with the standards and comments as json_agg arrays from two
     * LATERAL subqueries: those ran once per entry (a rescan, a sort and an aggregate each), and
     * json_build_object costs about 2 us an object; 1.7 ms of execution at 60 entries against 0.7
     * now (EXPLAIN ANALYZE, bench data), and Jackson writes the objects for next to nothing.
     */
    static final String ENTRIES = """
            select 0 as part, pe.created_at as entry_at, pe.id as entry_id,
                   pe.title, pe.reflection,
                   s.id as submission_id, s.assignment_id, a.title as assignment_title, a.points,
                   s.status as submission_status, s.score as submission_score, s.submitted_at, s.graded_at,
                   qa.id as attempt_id, qa.quiz_id, q.title as quiz_title, qa.score as attempt_score,
                   qa.started_at, qa.completed_at,
                   r.id as resource_id, r.title as resource_title, r.kind as resource_kind, r.url as resource_url,
                   null::bigint as child_id,
                   null::text as code, null::text as subject, null::text as grade_level, null::text as description,
                   null::timestamptz as child_at, null::bigint as author_id, null::text as author_name,
                   null::text as body
            from portfolio_entries as pe
            left join submissions as s on s.tenant_id = pe.tenant_id and s.id = pe.submission_id
            left join assignments as a on a.tenant_id = s.tenant_id and a.id = s.assignment_id
            left join quiz_attempts as qa on qa.tenant_id = pe.tenant_id and qa.id = pe.quiz_attempt_id
            left join quizzes as q on q.tenant_id = qa.tenant_id and q.id = qa.quiz_id
            left join resources as r on r.tenant_id = pe.tenant_id and r.id = pe.resource_id
            where pe.tenant_id = :tenant and pe.portfolio_id = :portfolio
            union all
            select 1, pe.created_at, pe.id,
                   null, null, -- the entry's 20 columns
                   null, null, null, null, null, null, null, null,
                   null, null, null, null, null, null,
                   null, null, null, null,
                   sd.id,
                   sd.code, sd.subject, sd.grade_level, sd.description,
                   null, null, null,
                   null
            from portfolio_entries as pe
            join portfolio_entry_standards as pes on pes.tenant_id = pe.tenant_id and pes.portfolio_entry_id = pe.id
            join standards as sd on sd.tenant_id = pes.tenant_id and sd.id = pes.standard_id
            where pe.tenant_id = :tenant and pe.portfolio_id = :portfolio
            union all
            select 2, pe.created_at, pe.id,
                   null, null, -- the entry's 20 columns
                   null, null, null, null, null, null, null, null,
                   null, null, null, null, null, null,
                   null, null, null, null,
                   c.id,
                   null, null, null, null,
                   c.created_at, c.user_id, cu.full_name,
                   c.body
            from portfolio_entries as pe
            join portfolio_comments as c on c.tenant_id = pe.tenant_id and c.portfolio_entry_id = pe.id
            join users as cu on cu.tenant_id = c.tenant_id and cu.id = c.user_id
            where pe.tenant_id = :tenant and pe.portfolio_id = :portfolio
            order by entry_at, entry_id, part, code, child_at, child_id
            """;

    /**
     * Rows per round trip while streaming: memory stays bounded however large the portfolio. An
     * entry comes with its standards and comments, about 5 rows, so 500 rows hold a portfolio of a
     * school year (60 entries) in one round trip; at 100 the benchmark's export took four.
     */
    static final int FETCH_SIZE = 500;

    private final JdbcClient jdbc;

    PortfolioQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Header(long id, long ownerId, String ownerName, String title, String visibility, OffsetDateTime createdAt) {}

    Optional<Header> portfolio(long tenant, long id) {
        return jdbc.sql(PORTFOLIO)
                .param("tenant", tenant)
                .param("id", id)
                .query((rs, n) -> new Header(
                        rs.getLong("id"),
                        rs.getLong("user_id"),
                        rs.getString("full_name"),
                        rs.getString("title"),
                        rs.getString("visibility"),
                        rs.getObject("created_at", OffsetDateTime.class)))
                .optional();
    }

    /**
     * The entries, oldest first, each with its submission (and assignment), quiz attempt (and
     * quiz) and resource as columns, each followed by its standards' and comments' rows. Rows
     * reach {@code each} as they arrive from the server, {@link #FETCH_SIZE} at a time (a cursor:
     * the caller runs inside a transaction).
     */
    void entries(long tenant, long portfolio, RowCallbackHandler each) {
        jdbc.sql(ENTRIES)
                .withFetchSize(FETCH_SIZE)
                .param("tenant", tenant)
                .param("portfolio", portfolio)
                .query(each);
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
