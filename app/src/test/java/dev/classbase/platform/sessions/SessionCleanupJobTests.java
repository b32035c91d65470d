package dev.classbase.platform.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The hourly cleanup deletes exactly the expired sessions, in batches, one instance at a time. */
class SessionCleanupJobTests {
    private static TestApp app;
    private static DataSource ownerDs;
    private static JdbcClient owner;

    @BeforeAll
    static void start() {
        app = TestApp.shared();
        ownerDs = TestCluster.shared().primaryDataSource();
        owner = JdbcClient.create(ownerDs);
    }

    /** Sessions of demo students: {@code expired} past their expiry, {@code valid} still good; tagged by a hash prefix. */
    private static void plant(int expired, int valid, int tag) {
        owner.sql("""
                insert into user_sessions (token_hash, tenant_id, user_id, created_at, expires_at)
                select sha256(int4send(:tag) || int4send(u.g::int)), u.tenant_id, u.id,
                       now() - interval '2 days',
                       case when u.g <= :expired then now() - make_interval(secs => u.g) else now() + interval '1 hour' end
                from (select tenant_id, id, row_number() over (order by tenant_id, id) as g
                      from users where role = 'student') as u
                where u.g <= :total
                """)
                .param("tag", tag)
                .param("expired", expired)
                .param("total", expired + valid)
                .update();
    }

    private static long planted(int tag, boolean expired) {
        return owner.sql("""
                select count(*) from user_sessions
                where token_hash in (select sha256(int4send(:tag) || int4send(g)) from generate_series(1, 100000) as g)
                  and (expires_at <= now()) = :expired
                """)
                .param("tag", tag)
                .param("expired", expired)
                .query(Long.class)
                .single();
    }

    @Test
    void deletesExactlyTheExpiredSessionsInBatches() {
        plant(1_234, 300, 77);
        long expiredBefore = owner.sql("select count(*) from user_sessions where expires_at <= now()")
                .query(Long.class)
                .single();
        long validBefore = owner.sql("select count(*) from user_sessions where expires_at > now()")
                .query(Long.class)
                .single();
        assertThat(planted(77, true)).isEqualTo(1_234);

        SessionCleanupJob.Result result = app.bean(SessionCleanupJob.class).run(500);

        assertThat(result.lockedOut()).isFalse();
        assertThat(result.deleted()).isEqualTo(expiredBefore);
        assertThat(result.batches()).isEqualTo((int) (expiredBefore / 500) + 1);
        assertThat(planted(77, true)).isZero();
        assertThat(planted(77, false)).isEqualTo(300);
        assertThat(owner.sql("select count(*) from user_sessions where expires_at <= now()")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(owner.sql("select count(*) from user_sessions where expires_at > now()")
                        .query(Long.class)
                        .single())
                .isGreaterThanOrEqualTo(validBefore);

        MeterRegistry registry = app.bean(MeterRegistry.class);
        assertThat(registry.get("classbase.job.last_success")
                        .tag("job", "sessions-cleanup")
                        .gauge()
                        .value())
                .isGreaterThan(0);
        assertThat(registry.get("classbase.job.duration")
                        .tag("job", "sessions-cleanup")
                        .timer()
                        .count())
                .isPositive();
    }

    @Test
    void anotherInstanceHoldingTheLockMeansThisOneStepsAside() throws Exception {
        plant(10, 0, 78);
        try (Connection other = ownerDs.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement ps = other.prepareStatement("select pg_advisory_xact_lock(?)")) {
                ps.setLong(1, SessionCleanupJob.LOCK_KEY);
                ps.execute();
            }
            SessionCleanupJob.Result result = app.bean(SessionCleanupJob.class).run(500);
            assertThat(result.lockedOut()).isTrue();
            assertThat(result.deleted()).isZero();
            assertThat(planted(78, true)).isEqualTo(10);
            other.rollback();
        }
        assertThat(app.bean(SessionCleanupJob.class).run(500).deleted()).isGreaterThanOrEqualTo(10);
        assertThat(planted(78, true)).isZero();
    }

    @Test
    void theServiceRoleCannotReadSessionsWithoutATenantButCanRunTheFunctions() {
        var cluster = TestCluster.shared().cluster();
        JdbcClient service = JdbcClient.create(TestCluster.dataSource(cluster.service(cluster.primary())));
        assertThat(service.sql("select count(*) from user_sessions")
                        .query(Long.class)
                        .single())
                .isZero();
        List<String> callable = owner.sql("""
                select p.proname from pg_proc as p
                where p.proname in ('classbase_find_login', 'classbase_find_session',
                                    'classbase_delete_expired_sessions')
                  and has_function_privilege('classbase_app', p.oid, 'execute')
                order by 1
                """).query(String.class).list();
        assertThat(callable)
                .containsExactly("classbase_delete_expired_sessions", "classbase_find_login", "classbase_find_session");
        Boolean publicCan = owner.sql("""
                select bool_or(has_function_privilege('public', p.oid, 'execute'))
                from pg_proc as p where p.proname in ('classbase_find_login', 'classbase_find_session',
                                                      'classbase_delete_expired_sessions')
                """).query(Boolean.class).single();
        assertThat(publicCan).isFalse();
    }
}
