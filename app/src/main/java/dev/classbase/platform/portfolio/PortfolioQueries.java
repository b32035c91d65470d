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
 * without the five queries per entry). Timestamps inside the JSON columns use the export's one
 * format, {@link PortfolioExport#TIMESTAMP}.
 */
@Component
class PortfolioQueries {
    static final String PORTFOLIO = """
            select p.id, p.user_id, u.full_name, p.title, p.visibility, p.created_at
            from portfolios as p
            join users as u on u.tenant_id = p.tenant_id and u.id = p.user_id
            where p.tenant_id = :tenant and p.id = :id
            """;

    static final String ENTRIES = """
            select pe.id, pe.title, pe.reflection, pe.created_at,
                   s.id as submission_id, s.assignment_id, a.title as assignment_title, a.points,
                   s.status as submission_status, s.score as submission_score, s.submitted_at, s.graded_at,
                   qa.id as attempt_id, qa.quiz_id, q.title as quiz_title, qa.score as attempt_score,
                   qa.started_at, qa.completed_at,
                   r.id as resource_id, r.title as resource_title, r.kind as resource_kind,
                   r.url as resource_url,
                   st.standards::text as standards, cm.comments::text as comments
            from portfolio_entries as pe
            left join submissions as s on s.tenant_id = pe.tenant_id and s.id = pe.submission_id
            left join assignments as a on a.tenant_id = s.tenant_id and a.id = s.assignment_id
            left join quiz_attempts as qa on qa.tenant_id = pe.tenant_id and qa.id = pe.quiz_attempt_id
            left join quizzes as q on q.tenant_id = qa.tenant_id and q.id = qa.quiz_id
            left join resources as r on r.tenant_id = pe.tenant_id and r.id = pe.resource_id
            cross join lateral (
                select coalesce(json_agg(json_build_object(
                           'id', sd.id, 'code', sd.code, 'subject', sd.subject,
                           'gradeLevel', sd.grade_level, 'description', sd.description)
                           order by sd.code), '[]') as standards
                from portfolio_entry_standards as pes
                join standards as sd on sd.tenant_id = pes.tenant_id and sd.id = pes.standard_id
                where pes.tenant_id = pe.tenant_id and pes.portfolio_entry_id = pe.id
            ) as st
            cross join lateral (
                select coalesce(json_agg(json_build_object(
                           'id', c.id, 'authorId', c.user_id, 'authorName', cu.full_name, 'body', c.body,
                           'createdAt', to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                           order by c.created_at, c.id), '[]') as comments
                from portfolio_comments as c
                join users as cu on cu.tenant_id = c.tenant_id and cu.id = c.user_id
                where c.tenant_id = pe.tenant_id and c.portfolio_entry_id = pe.id
            ) as cm
            where pe.tenant_id = :tenant and pe.portfolio_id = :portfolio
            order by pe.created_at, pe.id
            """;

    /** Rows per round trip while streaming: memory stays bounded however large the portfolio. */
    static final int FETCH_SIZE = 100;

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
     * quiz) and resource as columns, and its standards and comments as JSON arrays aggregated per
     * entry. Rows reach {@code each} as they arrive from the server, {@link #FETCH_SIZE} at a time
     * (a cursor: the caller runs inside a transaction).
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
