package dev.classbase.ops.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The audit against a database with planted problems, each reported exactly. */
class IndexAuditTests {
    private static final IndexAudit.Thresholds ALL = new IndexAudit.Thresholds(0, 10_000, 0, Duration.ofSeconds(10));

    private static DataSource db;

    @BeforeAll
    static void plant() throws SQLException {
        db = TestCluster.shared().freshDatabase("index_audit");
        plant(db);
    }

    /** Also used by the command tests. */
    static void plant(DataSource db) throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                create table audit_plant (id bigint primary key, a int, b int, v int, tags int[]);
                insert into audit_plant select g, g % 100, g % 7, g, array[g % 10] from generate_series(1, 2000) g;
                create index audit_a_1 on audit_plant (a);
                create index audit_a_2 on audit_plant (a);
                create index audit_b on audit_plant (b);
                create index audit_b_v on audit_plant (b, v);
                create index audit_tags_gin on audit_plant using gin (tags);
                create index audit_tags_btree on audit_plant (tags);
                create unique index audit_id_v on audit_plant (id, v);
                create index audit_used on audit_plant (v);
                create table audit_parted (id int, k int) partition by range (id);
                create table audit_parted_1 partition of audit_parted for values from (0) to (1000);
                create table audit_parted_2 partition of audit_parted for values from (1000) to (2000);
                insert into audit_parted select g, g % 10 from generate_series(0, 1999) g;
                create index audit_parted_k on audit_parted (k);
                create index audit_parted_k_again on audit_parted (k);
                create table audit_big (id bigint primary key, v int);
                insert into audit_big select g, g % 1000 from generate_series(1, 20000) g;
                analyze audit_plant, audit_parted, audit_big;
                """);
            try {
                // fails on the duplicate values of b and leaves an invalid index behind
                s.execute("create unique index concurrently audit_invalid on audit_plant (b)");
            } catch (SQLException expected) {
                assertThat(expected.getSQLState()).isEqualTo("23505");
            }
            s.execute("set enable_seqscan = off");
            s.executeQuery("select count(*) from audit_plant where v = 5").close();
            s.execute("reset enable_seqscan");
            for (int i = 0; i < 5; i++) {
                s.executeQuery("select count(*) from audit_big where v = 7").close();
            }
            s.executeQuery("select pg_stat_force_next_flush()").close();
        }
    }

    @Test
    void unusedIndexesAreThoseNeverScannedThatEnforceNothing() throws Exception {
        IndexAudit audit = new IndexAudit(db, ALL);
        Set<String> expected = Set.of(
                "audit_a_1",
                "audit_a_2",
                "audit_b",
                "audit_b_v",
                "audit_tags_gin",
                "audit_tags_btree",
                "audit_parted_k",
                "audit_parted_k_again");
        Set<String> unused = Await.until(Duration.ofSeconds(30), () -> {
            try {
                Set<String> got = planted(audit.unused().stream()
                        .map(IndexAudit.UnusedIndex::index)
                        .toList());
                return got.equals(expected) ? got : null;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(unused).as("stats flushed and unused indexes as planted").isEqualTo(expected);
        assertThat(planted(audit.unused().stream()
                        .map(IndexAudit.UnusedIndex::index)
                        .toList()))
                .as("the scanned index, the primary key, the unique and the invalid one are not unused")
                .doesNotContain("audit_used", "audit_plant_pkey", "audit_id_v", "audit_invalid");

        IndexAudit big = new IndexAudit(db, IndexAudit.Thresholds.defaults());
        assertThat(planted(
                        big.unused().stream().map(IndexAudit.UnusedIndex::index).toList()))
                .as("10 MB default bound")
                .isEmpty();
    }

    @Test
    void duplicatesAndPrefixesRespectTheMethodAndNameAPartitionedIndexOnce() throws Exception {
        List<IndexAudit.RedundantIndex> redundant = new IndexAudit(db, ALL)
                .redundant().stream()
                        .filter(r -> r.table().startsWith("audit_"))
                        .toList();
        assertThat(redundant)
                .extracting(
                        r -> r.index() + " < " + r.coveredBy() + (r.exact() ? " exact" : " prefix") + " " + r.method())
                .containsExactlyInAnyOrder(
                        "audit_a_2 < audit_a_1 exact btree",
                        "audit_b < audit_b_v prefix btree",
                        "audit_parted_k_again < audit_parted_k exact btree");
        assertThat(redundant.getFirst().definition()).startsWith("CREATE INDEX");
    }

    @Test
    void invalidIndexFromAFailedConcurrentBuild() throws Exception {
        List<IndexAudit.InvalidIndex> invalid = new IndexAudit(db, ALL).invalid();
        assertThat(invalid).extracting(IndexAudit.InvalidIndex::index).containsExactly("audit_invalid");
        assertThat(invalid.getFirst().definition()).contains("UNIQUE").contains("(b)");
    }

    @Test
    void seqScanHeavyLargeTableIsAMissingIndexCandidate() throws Exception {
        IndexAudit audit = new IndexAudit(db, ALL);
        IndexAudit.MissingIndexCandidate big = Await.until(Duration.ofSeconds(30), () -> {
            try {
                return audit.missing().stream()
                        .filter(m -> m.table().equals("audit_big") && m.seqScans() >= 5)
                        .findFirst()
                        .orElse(null);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(big).isNotNull();
        assertThat(big.liveRows()).isEqualTo(20_000);
        assertThat(big.idxScans()).isZero();
        assertThat(audit.missing())
                .extracting(IndexAudit.MissingIndexCandidate::table)
                .doesNotContain("audit_plant", "audit_parted", "audit_parted_1");
    }

    @Test
    void bloatIsEstimatedWithoutPgstattupleAndMeasuredWithIt() throws Exception {
        IndexAudit estimated = new IndexAudit(db, ALL);
        assertThat(estimated.pgstattupleUsable()).isFalse();
        List<IndexAudit.IndexBloat> rows = estimated.bloat();
        assertThat(rows)
                .filteredOn(b -> b.index().equals("audit_a_1"))
                .singleElement()
                .satisfies(b -> assertThat(b.bytes()).isPositive())
                .satisfies(b -> assertThat(b.exact()).isFalse());
        assertThat(rows)
                .extracting(IndexAudit.IndexBloat::index)
                .doesNotContain("audit_parted_1_k_idx")
                .containsOnlyOnce("audit_parted_k");

        EmbeddedCluster cluster = TestCluster.shared().cluster();
        DataSource superuser =
                TestCluster.dataSource(cluster.superuser(cluster.primary()).database("index_audit"));
        try (Connection c = superuser.getConnection();
                Statement s = c.createStatement()) {
            s.execute("create extension if not exists pgstattuple");
        }
        IndexAudit measured = new IndexAudit(superuser, ALL);
        assertThat(measured.pgstattupleUsable()).isTrue();
        assertThat(measured.bloat())
                .filteredOn(b -> b.index().equals("audit_a_1"))
                .singleElement()
                .satisfies(b -> assertThat(b.exact()).isTrue());
        assertThat(estimated.pgstattupleUsable()).as("detected once, cached").isFalse();
    }

    private static Set<String> planted(List<String> indexes) {
        return indexes.stream().filter(n -> n.startsWith("audit_")).collect(Collectors.toSet());
    }
}
