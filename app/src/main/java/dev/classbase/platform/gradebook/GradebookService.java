package dev.classbase.platform.gradebook;

import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Builds the student x assignment grid in memory from four set-based statements. */
@Service
class GradebookService {
    private final GradebookQueries queries;
    private final Clock clock = Clock.systemUTC();

    GradebookService(GradebookQueries queries) {
        this.queries = queries;
    }

    /** For the course's teacher and admins; another teacher's section is not found (no leak). */
    @Transactional(readOnly = true)
    public Gradebook section(Caller caller, long sectionId) {
        if (!caller.isAdmin() && !caller.isTeacher()) {
            throw ApiException.forbidden("the gradebook is for teachers and admins");
        }
        GradebookQueries.SectionRow section = queries.section(caller.tenantId(), sectionId)
                .filter(s -> caller.isAdmin() || s.instructorId() == caller.userId())
                .orElseThrow(() -> ApiException.notFound("section " + sectionId));
        List<Gradebook.Student> students = queries.students(caller.tenantId(), sectionId);
        List<Gradebook.Assignment> assignments = queries.assignments(caller.tenantId(), section.courseId());
        Map<Long, Map<Long, GradebookQueries.SubmissionRow>> byStudent = new HashMap<>();
        for (var s : queries.submissions(caller.tenantId(), sectionId, section.courseId())) {
            byStudent.computeIfAbsent(s.userId(), k -> new HashMap<>()).put(s.assignmentId(), s);
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<Gradebook.Row> rows = new ArrayList<>(students.size());
        for (Gradebook.Student student : students) {
            Map<Long, GradebookQueries.SubmissionRow> mine = byStudent.getOrDefault(student.id(), Map.of());
            List<Gradebook.Cell> cells = new ArrayList<>(assignments.size());
            int missing = 0;
            BigDecimal earned = BigDecimal.ZERO;
            BigDecimal graded = BigDecimal.ZERO;
            for (Gradebook.Assignment a : assignments) {
                var s = mine.get(a.id());
                boolean due = a.dueAt() != null && a.dueAt().isBefore(now);
                boolean handedIn = s != null && !s.status().equals("draft");
                String status = handedIn ? s.status() : due ? "missing" : s != null ? s.status() : "not_due";
                if (!handedIn && due) {
                    missing++;
                }
                if (s != null && s.score() != null) {
                    earned = earned.add(s.score());
                    graded = graded.add(a.points());
                }
                cells.add(new Gradebook.Cell(
                        a.id(),
                        s == null ? null : s.id(),
                        status,
                        s == null ? null : s.score(),
                        s == null ? null : s.submittedAt()));
            }
            rows.add(new Gradebook.Row(student, cells, missing, earned, graded));
        }
        return new Gradebook(
                new Gradebook.Section(
                        section.id(), section.name(), section.term(), section.courseId(), section.courseTitle()),
                now,
                assignments,
                rows);
    }
}
