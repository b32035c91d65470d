-- Row estimates for tenant-scoped lookups. Every user, section and course belongs to one tenant, so
-- "tenant_id = $1 and user_id = $2" selects no fewer rows than "user_id = $2" alone; without
-- statistics on the pair the planner multiplies the two selectivities (it assumes the columns are
-- independent), expects one row where a student has dozens of submissions, and reaches a section's
-- gradebook through submissions_user_fk, reading every submission of every student and filtering
-- by assignment, instead of probing the (tenant_id, assignment_id, user_id) key. Functional
-- dependency statistics tell it that user_id determines tenant_id, and section_id the course and
-- the tenant (https://www.postgresql.org/docs/current/planner-stats.html#PLANNER-STATS-EXTENDED-FUNCTIONAL-DEPS).
create statistics if not exists submissions_tenant_user_deps (dependencies)
    on tenant_id, user_id from submissions;
create statistics if not exists enrollments_tenant_section_course_deps (dependencies)
    on tenant_id, section_id, course_id from enrollments;
-- the statistics exist from the next ANALYZE: take it now rather than at autovacuum's leisure
analyze submissions;
analyze enrollments;
