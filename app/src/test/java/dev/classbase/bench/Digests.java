package dev.classbase.bench;

import dev.classbase.platform.atrisk.AtRiskReport;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One line per student (or portfolio entry) of what a result says, built the same way from a
 * service's answer and from a per-row baseline's rows: equal digests mean the two computed the
 * same result. The services' results are read as JSON (their own mapper), since the gradebook's
 * and the portfolio's types are package-private.
 */
final class Digests {
    private Digests() {}

    static String cell(long assignmentId, String status, BigDecimal score) {
        return assignmentId + ":" + status + ":" + number(score);
    }

    static String gradebookRow(long studentId, int missing, List<String> cells) {
        return "student " + studentId + " missing=" + missing + " " + String.join(",", cells);
    }

    static String portfolioHeader(long id, long ownerId, String ownerName, int entries) {
        return "portfolio " + id + " owner=" + ownerId + "/" + ownerName + " entries=" + entries;
    }

    static String submission(long id, String status, BigDecimal score, String assignmentTitle) {
        return id + "/" + status + "/" + number(score) + "/" + assignmentTitle;
    }

    static String attempt(long id, BigDecimal score, String quizTitle) {
        return id + "/" + number(score) + "/" + quizTitle;
    }

    static String resource(long id, String title, String kind) {
        return id + "/" + title + "/" + kind;
    }

    static String comment(long id, String author) {
        return id + ":" + author;
    }

    static String entry(
            long id,
            String title,
            String submission,
            String attempt,
            String resource,
            List<String> standards,
            List<String> comments) {
        return "entry " + id + " " + title + " sub=" + submission + " att=" + attempt + " res=" + resource + " std="
                + String.join(",", standards) + " com=" + String.join(",", comments);
    }

    static String atRiskHeader(int enrolled) {
        return "enrolled=" + enrolled;
    }

    static String atRiskStudent(long id, List<String> reasons, int missing, BigDecimal average, Instant lastActivity) {
        return "student " + id + " " + String.join("+", reasons) + " missing=" + missing + " avg=" + number(average)
                + " last=" + lastActivity;
    }

    /** The gradebook's JSON: {students: [{student: {id}, missing, cells: [{assignmentId, status, score}]}]}. */
    static List<String> gradebook(JsonNode book) {
        List<String> lines = new ArrayList<>();
        for (JsonNode row : book.path("students")) {
            List<String> cells = new ArrayList<>();
            for (JsonNode cell : row.path("cells")) {
                cells.add(cell(
                        cell.path("assignmentId").asLong(),
                        cell.path("status").asString(),
                        number(cell.path("score"))));
            }
            lines.add(gradebookRow(
                    row.path("student").path("id").asLong(), row.path("missing").asInt(), cells));
        }
        return require(lines, "gradebook");
    }

    /** The portfolio export's document (shape in PortfolioExport). */
    static List<String> portfolio(JsonNode doc) {
        List<String> lines = new ArrayList<>();
        JsonNode entries = doc.path("entries");
        lines.add(portfolioHeader(
                doc.path("id").asLong(),
                doc.path("owner").path("id").asLong(),
                doc.path("owner").path("name").asString(),
                entries.size()));
        for (JsonNode e : entries) {
            JsonNode s = e.path("submission");
            JsonNode a = e.path("quizAttempt");
            JsonNode r = e.path("resource");
            List<String> standards = new ArrayList<>();
            e.path("standards").forEach(sd -> standards.add(sd.path("code").asString()));
            List<String> comments = new ArrayList<>();
            e.path("comments")
                    .forEach(c -> comments.add(
                            comment(c.path("id").asLong(), c.path("authorName").asString())));
            lines.add(entry(
                    e.path("id").asLong(),
                    e.path("title").asString(),
                    absent(s)
                            ? null
                            : submission(
                                    s.path("id").asLong(),
                                    s.path("status").asString(),
                                    number(s.path("score")),
                                    s.path("assignmentTitle").asString()),
                    absent(a)
                            ? null
                            : attempt(
                                    a.path("id").asLong(),
                                    number(a.path("score")),
                                    a.path("quizTitle").asString()),
                    absent(r)
                            ? null
                            : resource(
                                    r.path("id").asLong(),
                                    r.path("title").asString(),
                                    r.path("kind").asString()),
                    standards,
                    comments));
        }
        return require(lines, "portfolio");
    }

    static List<String> atRisk(AtRiskReport report) {
        List<String> lines = new ArrayList<>();
        lines.add(atRiskHeader(report.enrolled()));
        for (AtRiskReport.Student s : report.students()) {
            lines.add(
                    atRiskStudent(s.id(), s.reasons(), s.missingAssignments(), s.averagePercent(), s.lastActivityAt()));
        }
        return lines;
    }

    /** Fails loudly, naming the first line that differs. */
    static void assertSame(String what, List<String> service, List<String> perRow) {
        if (service.equals(perRow)) {
            return;
        }
        int i = 0;
        while (i < Math.min(service.size(), perRow.size()) && service.get(i).equals(perRow.get(i))) {
            i++;
        }
        throw new IllegalStateException(what + ": the service and the per-row baseline disagree (" + service.size()
                + " vs " + perRow.size() + " lines); first difference at line " + i + ":\n  service: "
                + (i < service.size() ? service.get(i) : "<none>") + "\n  per-row: "
                + (i < perRow.size() ? perRow.get(i) : "<none>"));
    }

    private static List<String> require(List<String> lines, String what) {
        if (lines.isEmpty()) {
            throw new IllegalStateException("the " + what + " JSON had no rows: has its shape changed?");
        }
        return lines;
    }

    private static boolean absent(JsonNode node) {
        return node.isMissingNode() || node.isNull();
    }

    private static BigDecimal number(JsonNode node) {
        return absent(node) ? null : new BigDecimal(node.toString());
    }

    /** 80, 80.0 and 80.00 are the same score. */
    private static String number(BigDecimal value) {
        return value == null ? "-" : value.stripTrailingZeros().toPlainString();
    }
}
