package dev.classbase.platform.portfolio;

import static dev.classbase.platform.portfolio.PortfolioQueries.AT;
import static dev.classbase.platform.portfolio.PortfolioQueries.AT2;
import static dev.classbase.platform.portfolio.PortfolioQueries.ID;
import static dev.classbase.platform.portfolio.PortfolioQueries.ID2;
import static dev.classbase.platform.portfolio.PortfolioQueries.ID3;
import static dev.classbase.platform.portfolio.PortfolioQueries.ID4;
import static dev.classbase.platform.portfolio.PortfolioQueries.NUM;
import static dev.classbase.platform.portfolio.PortfolioQueries.T1;
import static dev.classbase.platform.portfolio.PortfolioQueries.T2;
import static dev.classbase.platform.portfolio.PortfolioQueries.T3;
import static dev.classbase.platform.portfolio.PortfolioQueries.T4;

import dev.classbase.platform.UtcText;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes one portfolio as JSON from the rows of {@link PortfolioQueries#EXPORT}:
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
 * The portfolio's row comes first and is shown to {@code admit}, which throws if the caller may
 * not see it. Then come the rows the entries link (submissions, assignments, quiz attempts,
 * quizzes, resources, standards, comments and their authors), kept here by id, and last the
 * entries, oldest first, each written as it arrives with what it links. Nothing reaches the output
 * stream before the first entry row (or the end of an empty result): by then the statement has
 * run, so a streamed response's statement-count header is complete. Memory holds what one
 * portfolio links (about 370 rows for the benchmark's 60 entries), never the document.
 */
final class PortfolioExport implements AutoCloseable {
    /** Every timestamp of the export: UTC, microseconds. */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private final JsonMapper json;
    private final OutputStreamSupplier target;
    private final Consumer<PortfolioQueries.Header> admit;
    private PortfolioQueries.Header header;
    private JsonGenerator out;
    private int entries;
    private int part = Integer.MIN_VALUE;
    private boolean finished;

    private final Map<Long, Assignment> assignments = new HashMap<>();
    private final Map<Long, Submission> submissions = new HashMap<>();
    private final Map<Long, String> quizzes = new HashMap<>();
    private final Map<Long, Attempt> attempts = new HashMap<>();
    private final Map<Long, Resource> resources = new HashMap<>();
    private final Map<Long, Standard> standards = new HashMap<>();
    private final Map<Long, List<Standard>> standardsOfEntry = new HashMap<>();
    private final Map<Long, String> authors = new HashMap<>();
    private final Map<Long, List<Comment>> commentsOfEntry = new HashMap<>();

    private record Assignment(String title, BigDecimal points) {}

    private record Submission(
            long id, long assignmentId, String status, BigDecimal score, String submittedAt, String gradedAt) {}

    private record Attempt(long id, long quizId, BigDecimal score, String startedAt, String completedAt) {}

    private record Resource(long id, String title, String kind, String url) {}

    /** @param rank its place by code among the portfolio's standards (they arrive by code) */
    private record Standard(long id, int rank, String code, String subject, String gradeLevel, String description) {}

    private record Comment(long id, long authorId, String authorName, String body, String createdAt) {}

    @FunctionalInterface
    interface OutputStreamSupplier {
        OutputStream open() throws java.io.IOException;
    }

    /**
     * @param admit sees the portfolio's row before anything else and throws if the caller may not
     *     see the portfolio
     */
    PortfolioExport(JsonMapper json, OutputStreamSupplier target, Consumer<PortfolioQueries.Header> admit) {
        this.json = json;
        this.target = target;
        this.admit = admit;
    }

    /** Whether the portfolio's row has arrived: false after the rows means there is no such portfolio. */
    boolean found() {
        return header != null;
    }

    int entries() {
        return entries;
    }

    /** One row of {@link PortfolioQueries#EXPORT}; its {@code part} says which kind. */
    void row(ResultSet rs) throws SQLException {
        int next = rs.getInt(PortfolioQueries.PART);
        if (next < part || (next == PortfolioQueries.PORTFOLIO && header != null)) {
            throw new IllegalStateException("part " + next + " after part " + part + ": the rows are out of order");
        }
        if (header == null && next != PortfolioQueries.PORTFOLIO) {
            throw new IllegalStateException("part " + next + " before the portfolio's row");
        }
        part = next;
        switch (next) {
            case PortfolioQueries.PORTFOLIO -> portfolio(rs);
            case PortfolioQueries.ASSIGNMENT ->
                assignments.put(rs.getLong(ID), new Assignment(rs.getString(T1), rs.getBigDecimal(NUM)));
            case PortfolioQueries.SUBMISSION ->
                submissions.put(
                        rs.getLong(ID),
                        new Submission(
                                rs.getLong(ID),
                                rs.getLong(ID2),
                                rs.getString(T1),
                                rs.getBigDecimal(NUM),
                                timestamp(rs, AT),
                                timestamp(rs, AT2)));
            case PortfolioQueries.QUIZ -> quizzes.put(rs.getLong(ID), rs.getString(T1));
            case PortfolioQueries.ATTEMPT ->
                attempts.put(
                        rs.getLong(ID),
                        new Attempt(
                                rs.getLong(ID),
                                rs.getLong(ID2),
                                rs.getBigDecimal(NUM),
                                timestamp(rs, AT),
                                timestamp(rs, AT2)));
            case PortfolioQueries.RESOURCE ->
                resources.put(
                        rs.getLong(ID),
                        new Resource(rs.getLong(ID), rs.getString(T1), rs.getString(T2), rs.getString(T3)));
            case PortfolioQueries.STANDARD ->
                standards.put(
                        rs.getLong(ID),
                        new Standard(
                                rs.getLong(ID),
                                standards.size(),
                                rs.getString(T1),
                                rs.getString(T2),
                                rs.getString(T3),
                                rs.getString(T4)));
            case PortfolioQueries.ENTRY_STANDARD -> entryStandard(rs);
            case PortfolioQueries.AUTHOR -> authors.put(rs.getLong(ID), rs.getString(T1));
            case PortfolioQueries.COMMENT -> comment(rs);
            case PortfolioQueries.ENTRY -> entry(rs);
            default -> throw new IllegalStateException("unknown part " + next);
        }
    }

    private void portfolio(ResultSet rs) throws SQLException {
        PortfolioQueries.Header row = new PortfolioQueries.Header(
                rs.getLong(ID),
                rs.getLong(ID2),
                rs.getString(T3),
                rs.getString(T1),
                rs.getString(T2),
                rs.getObject(AT, OffsetDateTime.class));
        admit.accept(row);
        header = row;
    }

    private void entryStandard(ResultSet rs) throws SQLException {
        Standard standard = standards.get(rs.getLong(ID2));
        if (standard != null) { // a join: a link to a standard the caller cannot read is no standard
            standardsOfEntry
                    .computeIfAbsent(rs.getLong(ID), e -> new ArrayList<>())
                    .add(standard);
        }
    }

    /** Comments arrive oldest first, so each entry's list is in order as it fills. */
    private void comment(ResultSet rs) throws SQLException {
        long author = rs.getLong(ID3);
        String name = authors.get(author);
        if (name != null) { // a join with users, as for standards
            commentsOfEntry
                    .computeIfAbsent(rs.getLong(ID2), e -> new ArrayList<>())
                    .add(new Comment(rs.getLong(ID), author, name, rs.getString(T1), timestamp(rs, AT)));
        }
    }

    private void entry(ResultSet rs) throws SQLException {
        start();
        entries++;
        long id = rs.getLong(ID);
        out.writeStartObject();
        out.writeNumberProperty("id", id);
        out.writeStringProperty("title", rs.getString(T1));
        out.writeStringProperty("reflection", rs.getString(T2));
        out.writeStringProperty("createdAt", timestamp(rs, AT));

        Submission submission = linked(rs, ID2, submissions);
        out.writeName("submission");
        if (submission == null) {
            out.writeNull();
        } else {
            Assignment assignment = assignments.getOrDefault(submission.assignmentId(), new Assignment(null, null));
            out.writeStartObject();
            out.writeNumberProperty("id", submission.id());
            out.writeNumberProperty("assignmentId", submission.assignmentId());
            out.writeStringProperty("assignmentTitle", assignment.title());
            decimal("points", assignment.points());
            out.writeStringProperty("status", submission.status());
            decimal("score", submission.score());
            out.writeStringProperty("submittedAt", submission.submittedAt());
            out.writeStringProperty("gradedAt", submission.gradedAt());
            out.writeEndObject();
        }

        Attempt attempt = linked(rs, ID3, attempts);
        out.writeName("quizAttempt");
        if (attempt == null) {
            out.writeNull();
        } else {
            out.writeStartObject();
            out.writeNumberProperty("id", attempt.id());
            out.writeNumberProperty("quizId", attempt.quizId());
            out.writeStringProperty("quizTitle", quizzes.get(attempt.quizId()));
            decimal("score", attempt.score());
            out.writeStringProperty("startedAt", attempt.startedAt());
            out.writeStringProperty("completedAt", attempt.completedAt());
            out.writeEndObject();
        }

        Resource resource = linked(rs, ID4, resources);
        out.writeName("resource");
        if (resource == null) {
            out.writeNull();
        } else {
            out.writeStartObject();
            out.writeNumberProperty("id", resource.id());
            out.writeStringProperty("title", resource.title());
            out.writeStringProperty("kind", resource.kind());
            out.writeStringProperty("url", resource.url());
            out.writeEndObject();
        }

        out.writeName("standards");
        out.writeStartArray();
        List<Standard> ofEntry = standardsOfEntry.getOrDefault(id, List.of());
        if (ofEntry.size() > 1) {
            ofEntry.sort(Comparator.comparingInt(Standard::rank));
        }
        for (Standard s : ofEntry) {
            out.writeStartObject();
            out.writeNumberProperty("id", s.id());
            out.writeStringProperty("code", s.code());
            out.writeStringProperty("subject", s.subject());
            out.writeStringProperty("gradeLevel", s.gradeLevel());
            out.writeStringProperty("description", s.description());
            out.writeEndObject();
        }
        out.writeEndArray();

        out.writeName("comments");
        out.writeStartArray();
        for (Comment c : commentsOfEntry.getOrDefault(id, List.of())) {
            out.writeStartObject();
            out.writeNumberProperty("id", c.id());
            out.writeNumberProperty("authorId", c.authorId());
            out.writeStringProperty("authorName", c.authorName());
            out.writeStringProperty("body", c.body());
            out.writeStringProperty("createdAt", c.createdAt());
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    /** What the entry's column links to, or null when it links nothing (or nothing the caller can read). */
    private static <T> T linked(ResultSet rs, int column, Map<Long, T> byId) throws SQLException {
        long id = rs.getLong(column);
        return rs.wasNull() ? null : byId.get(id);
    }

    /** Ends the document (and starts it first if there was no entry). */
    void finish() {
        start();
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

    private static String timestamp(ResultSet rs, int column) throws SQLException {
        return format(rs.getObject(column, OffsetDateTime.class));
    }

    /** {@link #TIMESTAMP}'s text ({@link UtcText}: an export writes a few timestamps per entry). */
    static String format(OffsetDateTime value) {
        if (value == null) {
            return null;
        }
        String text = UtcText.format(value, 6);
        // a year outside 0 to 9999: a sign and more digits, the formatter's rule
        return text != null ? text : TIMESTAMP.format(value.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
