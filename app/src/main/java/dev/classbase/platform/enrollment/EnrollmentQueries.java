package dev.classbase.platform.enrollment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Enrolling, dropping and listing a user's enrollments; one statement each. */
@Component
class EnrollmentQueries {
    private static final String COLUMNS = """
            e.id, e.course_id, c.title as course_title, e.section_id, e.user_id, e.status,
            e.enrolled_at, e.completed_at""";

    static final String OF_USER = """
                        select e.id, e.course_id, c.title as course_title, e.section_id, u.id as user_id,
                               e.status, e.enrolled_at, e.completed_at
                        from users as u
                        left join enrollments as e
                               on e.tenant_id = u.tenant_id and e.user_id = u.id
                              and (cast(:status as text) is null or e.status = :status)
                        left join courses as c on c.tenant_id = e.tenant_id and c.id = e.course_id
                        where u.tenant_id = :tenant and u.id = :user
                        order by e.enrolled_at desc nulls last, e.id desc
                        """;

    private final JdbcClient jdbc;

    EnrollmentQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Enrolls the user in a published course: in the given section of that course, or its first
     * one. A dropped enrollment becomes active again (the user-course pair is unique); an active
     * or completed one is left alone and no row comes back. {@code created} tells a new row from a
     * re-activated one (xmax is 0 only on a freshly inserted row version).
     */
    Optional<Enrolled> enroll(long tenant, long courseId, Long sectionId, long userId) {
        return jdbc.sql("""
                        with target as (
                            select c.tenant_id, c.id as course_id, c.title,
                                   (select s.id from sections as s
                                    where s.tenant_id = c.tenant_id and s.course_id = c.id
                                      and (cast(:section as bigint) is null or s.id = :section)
                                    order by s.id limit 1) as section_id
                            from courses as c
                            where c.tenant_id = :tenant and c.id = :course and c.status = 'published'
                        )
                        insert into enrollments as e (tenant_id, course_id, section_id, user_id, status, enrolled_at)
                        select t.tenant_id, t.course_id, t.section_id, :user, 'active', now()
                        from target as t
                        where t.section_id is not null
                        on conflict (tenant_id, user_id, course_id) do update
                            set status = 'active', section_id = excluded.section_id,
                                enrolled_at = excluded.enrolled_at, completed_at = null
                            where e.status = 'dropped'
                        returning e.id, e.course_id, (select title from target) as course_title, e.section_id,
                                  e.user_id, e.status, e.enrolled_at, e.completed_at, (e.xmax = 0) as created
                        """)
                .param("tenant", tenant)
                .param("course", courseId)
                .param("section", sectionId)
                .param("user", userId)
                .query((rs, n) -> new Enrolled(enrollment(rs, n), rs.getBoolean("created")))
                .optional();
    }

    /** The user's enrollment in a course, whatever its status. */
    Optional<Enrollment> inCourse(long tenant, long userId, long courseId) {
        return jdbc.sql("select " + COLUMNS + """

                        from enrollments as e
                        join courses as c on c.tenant_id = e.tenant_id and c.id = e.course_id
                        where e.tenant_id = :tenant and e.user_id = :user and e.course_id = :course
                        """)
                .param("tenant", tenant)
                .param("user", userId)
                .param("course", courseId)
                .query(EnrollmentQueries::enrollment)
                .optional();
    }

    /**
     * Drops an enrollment the caller may drop: their own, one in a course they teach, or any
     * (admin). No row: unknown, another tenant's, or not the caller's to drop.
     */
    Optional<Enrollment> drop(long tenant, long id, long callerId, boolean admin) {
        return jdbc.sql("""
                        update enrollments as e
                        set status = 'dropped'
                        from courses as c
                        where e.tenant_id = :tenant and e.id = :id
                          and c.tenant_id = e.tenant_id and c.id = e.course_id
                          and (:admin or e.user_id = :caller or c.instructor_id = :caller)
                        returning e.id, e.course_id, c.title as course_title, e.section_id, e.user_id, e.status,
                                  e.enrolled_at, e.completed_at
                        """)
                .param("tenant", tenant)
                .param("id", id)
                .param("caller", callerId)
                .param("admin", admin)
                .query(EnrollmentQueries::enrollment)
                .optional();
    }

    /**
     * A user's enrollments, newest first, optionally of one status. The user row is the left side
     * so an unknown user (or another tenant's) gives no row at all, a user without enrollments one
     * row of nulls: one statement answers both "who" and "what".
     */
    List<Enrollment> ofUser(long tenant, long userId, String status) {
        return jdbc.sql(OF_USER)
                .param("tenant", tenant)
                .param("user", userId)
                .param("status", status)
                .query(EnrollmentQueries::enrollment)
                .list();
    }

    private static Enrollment enrollment(ResultSet rs, int n) throws SQLException {
        long id = rs.getLong("id");
        if (rs.wasNull()) {
            return null; // the user exists and has no enrollment (left join)
        }
        return new Enrollment(
                id,
                rs.getLong("course_id"),
                rs.getString("course_title"),
                rs.getLong("section_id"),
                rs.getLong("user_id"),
                rs.getString("status"),
                rs.getObject("enrolled_at", OffsetDateTime.class),
                rs.getObject("completed_at", OffsetDateTime.class));
    }

    record Enrolled(Enrollment enrollment, boolean created) {}
}
