package dev.classbase.platform.portfolio;

import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The export's SQL: the portfolio, everything its entries link and the entries, in one statement
 * (the submission, quiz attempt, resource, standards and comments of every entry, never five
 * queries per entry).
 */
@Component
class PortfolioQueries {
    /*
     * One call of classbase_portfolio_export (V68; its comment has the rows and columns of every
     * part). It reads each table once for all the entries, every linked row once, instead of
     * joining per entry (650 index probes for 60 entries, the same quiz or comment author again
     * for every entry that names it, and a sort of every row at full width), and PL/pgSQL keeps
     * its plan per connection, also behind PgBouncer (prepareThreshold=0) where the statement was
     * planned on every export. The portfolio's own row comes first in the same call, one round
     * trip less than a statement of its own. PortfolioExport puts the parts together.
     */
    static final String EXPORT = """
            select part, id, id2, id3, id4, at, at2, num, t1, t2, t3, t4
            from classbase_portfolio_export(:tenant, :portfolio, :viewer, :visible)
            """;

    /** {@link #EXPORT}'s {@code part}, in the order the rows come: the portfolio first, the entries last. */
    static final int PORTFOLIO = -1;

    static final int ASSIGNMENT = 1;
    static final int SUBMISSION = 2;
    static final int QUIZ = 3;
    static final int ATTEMPT = 4;
    static final int RESOURCE = 5;
    static final int STANDARD = 6;
    static final int ENTRY_STANDARD = 7;
    static final int AUTHOR = 8;
    static final int COMMENT = 9;
    static final int ENTRY = 10;

    // EXPORT's columns, read by position (a lookup by name took a tenth of the export's Java time)
    static final int PART = 1;
    static final int ID = 2;
    static final int ID2 = 3;
    static final int ID3 = 4;
    static final int ID4 = 5;
    static final int AT = 6;
    static final int AT2 = 7;
    static final int NUM = 8;
    static final int T1 = 9;
    static final int T2 = 10;
    static final int T3 = 11;
    static final int T4 = 12;

    /**
     * Rows per round trip: the driver never holds more, however large the portfolio. An entry
     * comes with what it links, its standards and its comments, about 7 rows (fewer where entries
     * share a quiz, a standard or a comment's author), so 500 rows hold a portfolio of a school
     * year (60 entries, 430 rows) in one round trip; at 100 the benchmark's export took four.
     */
    static final int FETCH_SIZE = 500;

    private final JdbcClient jdbc;

    PortfolioQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Header(long id, long ownerId, String ownerName, String title, String visibility, OffsetDateTime createdAt) {}

    /**
     * The portfolio's row, then (when {@code viewer} may see it) what its entries link and the
     * entries, oldest first. Rows reach {@code each} as they arrive from the server, {@link
     * #FETCH_SIZE} at a time (a cursor: the caller runs inside a transaction).
     *
     * @param visible the visibilities of other people's portfolios whose entries {@code viewer} may read
     */
    void export(long tenant, long portfolio, long viewer, List<String> visible, RowCallbackHandler each) {
        jdbc.sql(EXPORT)
                .withFetchSize(FETCH_SIZE)
                .param("tenant", tenant)
                .param("portfolio", portfolio)
                .param("viewer", viewer)
                .param("visible", visible.toArray(String[]::new))
                .query(each);
    }
}
