package dev.classbase.data.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.data.tenancy.TenantBinding;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A routed connection on a replica, as the service role (row-level security applies): the deferred
 * tenant binding goes out with the first prepared statement, in one text, and on its own before
 * anything else; the gate gets its place back once.
 */
class RoutedConnectionTests {
    private static DataSource replica;
    private static long northwood;
    private static long users;

    @BeforeAll
    static void start() {
        TestApp.shared(); // the demo district
        var cluster = TestCluster.shared().cluster();
        replica = TestCluster.dataSource(cluster.service(cluster.replicas().getFirst()));
        JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());
        northwood = owner.sql("select id from tenants where slug = 'northwood'")
                .query(Long.class)
                .single();
        users = owner.sql("select count(*) from users where tenant_id = :t")
                .param("t", northwood)
                .query(Long.class)
                .single();
    }

    @Test
    void theBindingRidesInTheFirstPreparedStatementsText() throws Exception {
        List<String> sent = new ArrayList<>();
        try (Connection raw = replica.getConnection()) {
            raw.setAutoCommit(false);
            Connection c = RoutedConnection.wrap(recording(raw, sent), null);
            ((TenantBinding.Deferrable) c).bindWithFirstStatement(northwood);
            try (PreparedStatement ps = c.prepareStatement("select count(*) from users where id > ?")) {
                ps.setLong(1, 0);
                assertThat(ps.getParameterMetaData().getParameterCount()).isEqualTo(1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(users).isPositive();
                }
                ps.clearParameters();
                ps.setLong(1, 0);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("run again").isEqualTo(users);
                }
                assertThatThrownBy(ps::addBatch).isInstanceOf(SQLFeatureNotSupportedException.class);
            }
            try (PreparedStatement ps = c.prepareStatement("select count(*) from users")) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1))
                            .as("bound for the rest of the transaction")
                            .isEqualTo(users);
                }
            }
            raw.rollback();
        }
        assertThat(sent)
                .containsExactly(
                        TenantBinding.SQL + ";\nselect count(*) from users where id > ?", "select count(*) from users");
    }

    @Test
    void aPlainStatementFirstGetsTheBindingOnItsOwnOnce() throws Exception {
        List<String> sent = new ArrayList<>();
        try (Connection raw = replica.getConnection()) {
            raw.setAutoCommit(false);
            Connection c = RoutedConnection.wrap(recording(raw, sent), null);
            ((TenantBinding.Deferrable) c).bindWithFirstStatement(northwood);
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select count(*) from users")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(users);
            }
            try (Statement s = c.createStatement()) {
                s.execute("select 1");
            }
            raw.rollback();
        }
        assertThat(sent).containsExactly(TenantBinding.SQL);
    }

    @Test
    void aTransactionThatEndsBeforeAnyStatementSendsNoBinding() throws Exception {
        List<String> sent = new ArrayList<>();
        try (Connection raw = replica.getConnection()) {
            raw.setAutoCommit(false);
            Connection c = RoutedConnection.wrap(recording(raw, sent), null);
            ((TenantBinding.Deferrable) c).bindWithFirstStatement(northwood);
            c.commit();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select count(*) from users")) {
                rs.next();
                assertThat(rs.getLong(1))
                        .as("the next transaction is not bound")
                        .isZero();
            }
            raw.rollback();
        }
        assertThat(sent).isEmpty();
    }

    @Test
    void closingGivesThePlaceBackOnce() throws Exception {
        ReplicaGate gate = new ReplicaGate(1, Duration.ofSeconds(30));
        assertThat(gate.enter()).isTrue();
        Connection c = RoutedConnection.wrap(replica.getConnection(), gate);
        c.close();
        c.close();
        assertThat(gate.inUse()).isZero();
    }

    /** The connection, noting every text it is asked to prepare. */
    private static Connection recording(Connection target, List<String> sent) {
        return (Connection) Proxy.newProxyInstance(
                RoutedConnectionTests.class.getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> {
                    if (m.getName().equals("prepareStatement")) {
                        sent.add((String) a[0]);
                    }
                    try {
                        return m.invoke(target, a);
                    } catch (InvocationTargetException e) {
                        throw e.getTargetException();
                    }
                });
    }
}
