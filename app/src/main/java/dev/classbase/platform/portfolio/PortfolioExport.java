package dev.classbase.platform.portfolio;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes one portfolio as JSON while its entries arrive from the database:
 *
 * <pre>{"id", "title", "visibility", "owner": {"id", "name"}, "createdAt",
 *  "entries": [{"id", "title", "reflection", "createdAt",
 *               "submission": {"id", "assignmentId", "assignmentTitle", "points", "status", "score",
 *                              "submittedAt", "gradedAt"} | null,
 *               "quizAttempt": {"id", "quizId", "quizTitle", "score", "startedAt", "completedAt"} | null,
 *               "resource": {"id", "title", "kind", "url"} | null,
 *               "standards": [{"id", "code", "subject", "gradeLevel", "description"}],
 *               "comments": [{"id", "authorId", "authorName", "body", "createdAt"}]}]}</pre>
 *
 * Nothing reaches the output stream before the first entry row (or the end of an empty result):
 * by then every statement has run, so a streamed response's statement-count header is complete.
 * An entry's row leaves its object open at {@code "standards": [}; its standards' rows add to that
 * array, its first comment's row (or the next entry, or the end) closes it, and so on.
 */
final class PortfolioExport implements AutoCloseable {
    /** Every timestamp of the export: UTC, microseconds. */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private static final int NONE = -1;

    private final JsonMapper json;
    private final OutputStreamSupplier target;
    private final PortfolioQueries.Header header;
    private JsonGenerator out;
    private int entries;
    /** The array the open entry is filling ({@code STANDARD} or {@code COMMENT}), or {@code NONE}. */
    private int open = NONE;

    private boolean finished;

    @FunctionalInterface
    interface OutputStreamSupplier {
        OutputStream open() throws java.io.IOException;
    }

    PortfolioExport(JsonMapper json, PortfolioQueries.Header header, OutputStreamSupplier target) {
        this.json = json;
        this.header = header;
        this.target = target;
    }

    int entries() {
        return entries;
    }

    /** One row of {@link PortfolioQueries#entries}: an entry, or one of its standards or comments. */
    void row(ResultSet rs) throws SQLException {
        switch (rs.getInt("part")) {
            case PortfolioQueries.ENTRY -> entry(rs);
            case PortfolioQueries.STANDARD -> standard(rs);
            case PortfolioQueries.COMMENT -> comment(rs);
            default -> throw new IllegalStateException("unknown part " + rs.getInt("part"));
        }
    }

    private void entry(ResultSet rs) throws SQLException {
        start();
        closeEntry();
        entries++;
        out.writeStartObject();
        out.writeNumberProperty("id", rs.getLong("entry_id"));
        out.writeStringProperty("title", rs.getString("title"));
        out.writeStringProperty("reflection", rs.getString("reflection"));
        timestamp("createdAt", rs, "entry_at");

        Long submission = PortfolioQueries.nullableLong(rs, "submission_id");
        out.writeName("submission");
        if (submission == null) {
            out.writeNull();
        } else {
            out.writeStartObject();
            out.writeNumberProperty("id", submission);
            out.writeNumberProperty("assignmentId", rs.getLong("assignment_id"));
            out.writeStringProperty("assignmentTitle", rs.getString("assignment_title"));
            decimal("points", rs.getBigDecimal("points"));
            out.writeStringProperty("status", rs.getString("submission_status"));
            decimal("score", rs.getBigDecimal("submission_score"));
            timestamp("submittedAt", rs, "submitted_at");
            timestamp("gradedAt", rs, "graded_at");
            out.writeEndObject();
        }

        Long attempt = PortfolioQueries.nullableLong(rs, "attempt_id");
        out.writeName("quizAttempt");
        if (attempt == null) {
            out.writeNull();
        } else {
            out.writeStartObject();
            out.writeNumberProperty("id", attempt);
            out.writeNumberProperty("quizId", rs.getLong("quiz_id"));
            out.writeStringProperty("quizTitle", rs.getString("quiz_title"));
            decimal("score", rs.getBigDecimal("attempt_score"));
            timestamp("startedAt", rs, "started_at");
            timestamp("completedAt", rs, "completed_at");
            out.writeEndObject();
        }

        Long resource = PortfolioQueries.nullableLong(rs, "resource_id");
        out.writeName("resource");
        if (resource == null) {
            out.writeNull();
        } else {
            out.writeStartObject();
            out.writeNumberProperty("id", resource);
            out.writeStringProperty("title", rs.getString("resource_title"));
            out.writeStringProperty("kind", rs.getString("resource_kind"));
            out.writeStringProperty("url", rs.getString("resource_url"));
            out.writeEndObject();
        }

        out.writeName("standards");
        out.writeStartArray();
        open = PortfolioQueries.STANDARD;
    }

    private void standard(ResultSet rs) throws SQLException {
        expectOpen(PortfolioQueries.STANDARD);
        out.writeStartObject();
        out.writeNumberProperty("id", rs.getLong("child_id"));
        out.writeStringProperty("code", rs.getString("code"));
        out.writeStringProperty("subject", rs.getString("subject"));
        out.writeStringProperty("gradeLevel", rs.getString("grade_level"));
        out.writeStringProperty("description", rs.getString("description"));
        out.writeEndObject();
    }

    private void comment(ResultSet rs) throws SQLException {
        if (open == PortfolioQueries.STANDARD) {
            out.writeEndArray();
            out.writeName("comments");
            out.writeStartArray();
            open = PortfolioQueries.COMMENT;
        }
        expectOpen(PortfolioQueries.COMMENT);
        out.writeStartObject();
        out.writeNumberProperty("id", rs.getLong("child_id"));
        out.writeNumberProperty("authorId", rs.getLong("author_id"));
        out.writeStringProperty("authorName", rs.getString("author_name"));
        out.writeStringProperty("body", rs.getString("body"));
        timestamp("createdAt", rs, "child_at");
        out.writeEndObject();
    }

    /** Ends the open entry, if any: its standards or comments array, an empty comments array, the object. */
    private void closeEntry() {
        if (open == NONE) {
            return;
        }
        out.writeEndArray();
        if (open == PortfolioQueries.STANDARD) {
            out.writeName("comments");
            out.writeStartArray();
            out.writeEndArray();
        }
        out.writeEndObject();
        open = NONE;
    }

    private void expectOpen(int part) {
        if (open != part) {
            throw new IllegalStateException("a part " + part + " row outside its entry: the rows are out of order");
        }
    }

    /** Ends the document (and starts it first if there was no entry). */
    void finish() {
        start();
        closeEntry();
        out.writeEndArray();
        out.writeEndObject();
        finished = true;
    }

    /**
     * Flushes a finished document. An unfinished one is abandoned, not closed: the generator
     * would close the open arrays and objects and a failed export would look complete; cut off,
     * the response is visibly broken (no final chunk).
     */
    @Override
    public void close() {
        if (out != null && finished) {
            out.close();
        }
    }

    private void start() {
        if (out != null) {
            return;
        }
        try {
            out = json.createGenerator(target.open());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        out.writeStartObject();
        out.writeNumberProperty("id", header.id());
        out.writeStringProperty("title", header.title());
        out.writeStringProperty("visibility", header.visibility());
        out.writeName("owner");
        out.writeStartObject();
        out.writeNumberProperty("id", header.ownerId());
        out.writeStringProperty("name", header.ownerName());
        out.writeEndObject();
        out.writeStringProperty("createdAt", format(header.createdAt()));
        out.writeName("entries");
        out.writeStartArray();
    }

    private void decimal(String name, BigDecimal value) {
        if (value == null) {
            out.writeNullProperty(name);
        } else {
            out.writeNumberProperty(name, value);
        }
    }

    private void timestamp(String name, ResultSet rs, String column) throws SQLException {
        out.writeStringProperty(name, format(rs.getObject(column, OffsetDateTime.class)));
    }

    static String format(OffsetDateTime value) {
        return value == null ? null : TIMESTAMP.format(value.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
