package dev.classbase.web.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.data.DataTier;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tenant isolation by row-level security, as the service role classbase_app: through the server's
 * own data tier (tenant bound with DataTier.bindTenant) and over a plain connection.
 */
class RowLevelSecurityTests {
    private static JdbcClient owner;
    private static JdbcClient app;
    private static TransactionTemplate readWrite;
    private static TransactionTemplate readOnly;
    private static DataSource service;
    private static long northwood;
    private static long riverside;

    @BeforeAll
    static void start() {
        TestApp server = TestApp.shared();
        owner = JdbcClient.create(TestCluster.shared().primaryDataSource());
        app = server.bean(JdbcClient.class);
        PlatformTransactionManager tm = server.bean(PlatformTransactionManager.class);
        readWrite = new TransactionTemplate(tm);
        readOnly = new TransactionTemplate(tm);
        readOnly.setReadOnly(true);
        var cluster = TestCluster.shared().cluster();
        service = TestCluster.dataSource(cluster.service(cluster.primary()));
        northwood = tenant("northwood");
        riverside = tenant("riverside");
    }

    private static long tenant(String slug) {
        return owner.sql("select id from tenants where slug = :s")
                .param("s", slug)
                .query(Long.class)
                .single();
    }

    private static long ownerCount(String sql, long tenantId) {
        return owner.sql(sql).param("t", tenantId).query(Long.class).single();
    }

    @Test
    void aQueryWithoutATenantFilterSeesOnlyTheBoundTenant() {
        long expected = ownerCount("select count(*) from users where tenant_id = :t", northwood);
        long all = owner.sql("select count(*) from users").query(Long.class).single();
        assertThat(expected).isPositive().isLessThan(all);

        try (var bound = DataTier.bindTenant(northwood)) {
            Long onPrimary = readWrite.execute(
                    s -> app.sql("select count(*) from users").query(Long.class).single());
            Long onReplica = readOnly.execute(
                    s -> app.sql("select count(*) from users").query(Long.class).single());
            Long otherTenants = readOnly.execute(s -> app.sql("select count(*) from users where tenant_id <> :t")
                    .param("t", northwood)
                    .query(Long.class)
                    .single());
            assertThat(onPrimary).isEqualTo(expected);
            assertThat(onReplica).isEqualTo(expected);
            assertThat(otherTenants).isZero();
        }
    }

    @Test
    void withNoTenantBoundNothingIsVisible() {
        assertThat(DataTier.boundTenant()).isEmpty();
        Long users = readWrite.execute(
                s -> app.sql("select count(*) from users").query(Long.class).single());
        Long tenants = readWrite.execute(
                s -> app.sql("select count(*) from tenants").query(Long.class).single());
        Long courses = readOnly.execute(
                s -> app.sql("select count(*) from courses").query(Long.class).single());
        assertThat(users).isZero();
        assertThat(tenants).isZero();
        assertThat(courses).isZero();
    }

    @Test
    void everyTenantTableHasThePolicy() {
        var unprotected = owner.sql("""
                select c.relname
                from pg_class as c
                join pg_namespace as n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind in ('r', 'p')
                  and (exists (select 1 from pg_attribute as a
                               where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
                       or c.relname = 'tenants')
                  and (not c.relrowsecurity
                       or (not c.relispartition
                           and not exists (select 1 from pg_policy as p
                                           where p.polrelid = c.oid and p.polname = 'tenant_isolation')))
                """).query(String.class).list();
        assertThat(unprotected).isEmpty();
    }

    @Test
    void theServiceRoleCannotWriteIntoAnotherTenant() throws SQLException {
        try (Connection c = service.getConnection()) {
            c.setAutoCommit(false);
            bind(c, northwood);
            try (PreparedStatement ps =
                    c.prepareStatement("update users set full_name = full_name where tenant_id = ?")) {
                ps.setLong(1, riverside);
                assertThat(ps.executeUpdate()).isZero(); // invisible, so untouched
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into analytics_events (tenant_id, kind, occurred_at) values (?, 'rls-test', now())
                    """)) {
                ps.setLong(1, riverside);
                assertThatThrownBy(ps::executeUpdate)
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("row-level security");
            }
            c.rollback();
        }
    }

    @Test
    void partitionsNamedDirectlyShowNothing() throws SQLException {
        try (Connection c = service.getConnection()) {
            c.setAutoCommit(false);
            bind(c, northwood);
            assertThat(count(c, "select count(*) from progress")).isPositive();
            assertThat(count(c, "select count(*) from progress_p0")).isZero();
            c.rollback();
        }
    }

    @Test
    void theServiceRoleCannotBypassRowLevelSecurity() {
        Boolean bypass = owner.sql("select rolbypassrls or rolsuper from pg_roles where rolname = 'classbase_app'")
                .query(Boolean.class)
                .single();
        assertThat(bypass).isFalse();
        Long owned = owner.sql("""
                select count(*) from pg_class where relowner = (select oid from pg_roles where rolname = 'classbase_app')
                """).query(Long.class).single();
        assertThat(owned).isZero();
    }

    private static void bind(Connection c, long tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select set_config('app.tenant_id', ?, true)")) {
            ps.setString(1, Long.toString(tenantId));
            ps.execute();
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
