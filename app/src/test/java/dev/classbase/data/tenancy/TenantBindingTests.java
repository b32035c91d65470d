package dev.classbase.data.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.data.DataTier;
import dev.classbase.data.watch.QueryWatch;
import dev.classbase.testsupport.StatementBudget;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The tenant binding of read transactions, sent with their first statement: rows, parameters and
 * statement counts as if it had been sent on its own, whatever the first statement is.
 */
class TenantBindingTests {
    private static final String BINDING = "SELECT set_config(?, ?, true)";

    private static JdbcClient owner;
    private static JdbcClient app;
    private static JdbcTemplate plain;
    private static TransactionTemplate readOnly;
    private static TransactionTemplate readOnlyNew;
    private static QueryWatch watch;
    private static long northwood;
    private static long riverside;

    @BeforeAll
    static void start() {
        TestApp server = TestApp.shared();
        owner = JdbcClient.create(TestCluster.shared().primaryDataSource());
        app = server.bean(JdbcClient.class);
        plain = new JdbcTemplate(server.bean(DataSource.class));
        PlatformTransactionManager tm = server.bean(PlatformTransactionManager.class);
        readOnly = new TransactionTemplate(tm);
        readOnly.setReadOnly(true);
        readOnlyNew = new TransactionTemplate(tm);
        readOnlyNew.setReadOnly(true);
        readOnlyNew.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        watch = server.bean(QueryWatch.class);
        northwood = tenant("northwood");
        riverside = tenant("riverside");
    }

    private static long tenant(String slug) {
        return owner.sql("select id from tenants where slug = :s")
                .param("s", slug)
                .query(Long.class)
                .single();
    }

    private static long users(long tenant) {
        return owner.sql("select count(*) from users where tenant_id = :t")
                .param("t", tenant)
                .query(Long.class)
                .single();
    }

    private static Long countUsers() {
        return app.sql("select count(*) from users").query(Long.class).single();
    }

    @Test
    void theFirstStatementRunsBoundAndTheBindingStillCountsAsAStatement() throws Exception {
        try (var bound = DataTier.bindTenant(northwood)) {
            Long[] seen = new Long[1];
            StatementBudget.Measurement m = StatementBudget.measure(
                    watch,
                    () -> seen[0] = readOnly.execute(s -> {
                        Long first = countUsers();
                        assertThat(countUsers())
                                .as("a later statement of the transaction")
                                .isEqualTo(first);
                        return first;
                    }));
            assertThat(seen[0]).isEqualTo(users(northwood)).isLessThan(users(northwood) + users(riverside));
            assertThat(m.statements()).isEqualTo(3);
            assertThat(m.transactions()).containsExactly(3);
            assertThat(m.shapes()).containsEntry(BINDING, 1).containsEntry("select count(*) from users", 2);
        }
    }

    @Test
    void parametersKeepTheirNumbersNullsIncluded() {
        long students = owner.sql("select count(*) from users where tenant_id = :t and role = 'student' and id > 0")
                .param("t", northwood)
                .query(Long.class)
                .single();
        try (var bound = DataTier.bindTenant(northwood)) {
            Long counted = readOnly.execute(s -> app.sql("""
                            select count(*) from users
                            where role = ? and id > ? and (cast(? as text) is null or email = ?)
                            """)
                    .params("student", 0L, null, null)
                    .query(Long.class)
                    .single());
            assertThat(counted).isEqualTo(students).isPositive();
        }
    }

    @Test
    void anUpdateAsTheFirstStatementRunsBound() {
        try (var bound = DataTier.bindTenant(northwood)) {
            List<Object> seen = readOnly.execute(s -> {
                int updated = app.sql("set local statement_timeout = '7s'").update();
                String timeout = app.sql("select current_setting('statement_timeout')")
                        .query(String.class)
                        .single();
                return List.of(updated, timeout, countUsers());
            });
            assertThat(seen).containsExactly(0, "7s", users(northwood));
        }
    }

    @Test
    void aPlainStatementFirstGetsTheBindingOnItsOwn() throws Exception {
        try (var bound = DataTier.bindTenant(riverside)) {
            Long[] seen = new Long[1];
            StatementBudget.Measurement m = StatementBudget.measure(
                    watch,
                    () -> seen[0] =
                            readOnly.execute(s -> plain.queryForObject("select count(*) from users", Long.class)));
            assertThat(seen[0]).isEqualTo(users(riverside));
            assertThat(m.statements()).isEqualTo(2);
            assertThat(m.shapes()).containsEntry(BINDING, 1);
        }
    }

    @Test
    void aReadOnThePrimaryIsBoundToo() {
        try (var bound = DataTier.bindTenant(northwood)) {
            Long counted = DataTier.onPrimary(() -> readOnly.execute(s -> countUsers()));
            assertThat(counted).isEqualTo(users(northwood));
            assertThat(DataTier.readTargets()).contains("primary (forced)");
        }
    }

    @Test
    void aNestedTransactionKeepsItsOwnTenantAndTheOuterOneItsOwn() {
        try (var bound = DataTier.bindTenant(northwood)) {
            List<Long> seen = readOnly.execute(outer -> {
                Long inner;
                try (var other = DataTier.bindTenant(riverside)) {
                    inner = readOnlyNew.execute(s -> countUsers()); // before the outer one ran anything
                }
                return List.of(inner, countUsers());
            });
            assertThat(seen).containsExactly(users(riverside), users(northwood));
        }
    }

    @Test
    void aFirstStatementFetchedInPagesReadsEveryRow() {
        List<Long> expected = owner.sql("select id from users where tenant_id = :t order by id")
                .param("t", northwood)
                .query(Long.class)
                .list();
        try (var bound = DataTier.bindTenant(northwood)) {
            List<Long> ids = readOnly.execute(s -> app.sql("select id from users order by id")
                    .withFetchSize(2)
                    .query(Long.class)
                    .list());
            assertThat(ids).hasSizeGreaterThan(2).isEqualTo(expected);
        }
    }

    @Test
    void aFailingFirstStatementFailsItsTransactionOnly() {
        try (var bound = DataTier.bindTenant(northwood)) {
            assertThatThrownBy(() -> readOnly.execute(s -> app.sql("select no_such_column from users")
                            .query(Long.class)
                            .list()))
                    .isInstanceOf(BadSqlGrammarException.class);
            Long next = readOnly.execute(s -> countUsers());
            assertThat(next).as("the next transaction").isEqualTo(users(northwood));
        }
    }

    @Test
    void aTransactionThatRunsNothingSendsNothing() throws Exception {
        try (var bound = DataTier.bindTenant(northwood)) {
            StatementBudget.Measurement m =
                    StatementBudget.measure(watch, () -> readOnly.executeWithoutResult(s -> {}));
            assertThat(m.statements()).isZero();
        }
    }
}
