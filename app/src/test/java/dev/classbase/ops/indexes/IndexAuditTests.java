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
        // of two unused duplicates (or a prefix and its unused composite), the redundant one is
        // advised and the other kept: following both would leave the column without an index
        Set<String> expected =
                Set.of("audit_a_2", "audit_b", "audit_tags_gin", "audit_tags_btree", "audit_parted_k_again");
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
                .doesNotContain("audit_used", "audit_plant_pkey", "audit_id_v", "audit_invalid")
                .as("the index that serves the columns of an advised duplicate or prefix is kept")
                .doesNotContain("audit_a_1", "audit_b_v", "audit_parted_k");

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

    /**
     * The planner scans the newer of two duplicates (the older was built with fillfactor 10, so it is
     * larger) and the prefix index rather than the composite: the duplicate advice names the member
     * without scans, and unused and redundant advice together never name every index on a column.
     */
    @Test
    void dropAdviceKeepsTheIndexThePlannerUsesAndOneIndexPerColumnSet() throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                create table advice_plant (id bigint primary key, a int, b int, v int);
                insert into advice_plant select g, g % 500, g % 300, g from generate_series(1, 20000) g;
                create index advice_a_old on advice_plant (a) with (fillfactor = 10);
                create index advice_a_new on advice_plant (a);
                create index advice_b on advice_plant (b);
                create index advice_b_v on advice_plant (b, v);
                analyze advice_plant;
                set enable_seqscan = off;
                set enable_bitmapscan = off;
                """);
            for (int i = 0; i < 3; i++) {
                s.executeQuery("select count(*) from advice_plant where a = " + i)
                        .close();
                s.executeQuery("select count(*) from advice_plant where b = " + i)
                        .close();
            }
            s.execute("reset enable_seqscan; reset enable_bitmapscan");
            s.executeQuery("select pg_stat_force_next_flush()").close();
        }
        try {
            Long scanned = Await.until(Duration.ofSeconds(30), () -> {
                try (Connection c = db.getConnection();
                        Statement s = c.createStatement();
                        var rs = s.executeQuery("select coalesce(sum(idx_scan), 0) from pg_stat_user_indexes"
                                + " where indexrelname in ('advice_a_new', 'advice_b')")) {
                    rs.next();
                    return rs.getLong(1) >= 6 ? rs.getLong(1) : null;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(scanned)
                    .as("the planner used the smaller duplicate and the prefix index")
                    .isNotNull();

            IndexAudit.Report r = new IndexAudit(db, ALL).audit();
            List<String> redundant = r.redundant().stream()
                    .filter(x -> x.table().equals("advice_plant"))
                    .map(x -> x.index() + " < " + x.coveredBy())
                    .toList();
            assertThat(redundant)
                    .as("the duplicate without scans is the one to drop")
                    .contains("advice_a_old < advice_a_new");
            Set<String> dropped = new java.util.HashSet<>();
            r.redundant().forEach(x -> dropped.add(x.index()));
            r.unused().forEach(x -> dropped.add(x.index()));
            assertThat(dropped)
                    .as("the unused duplicate and the unused composite go; the scanned (a) and (b) indexes stay")
                    .contains("advice_a_old", "advice_b_v")
                    .doesNotContain("advice_a_new", "advice_b");
        } finally {
            try (Connection c = db.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("drop table advice_plant");
            }
        }
    }

    /**
     * Bloat is what a rebuild frees, by either path: a freshly built 20 MB index (fillfactor 90) is
     * not reported at the 10 MB bound; an index whose rows were three quarters deleted (vacuumed or
     * not yet) is, with its waste within 20 % of what REINDEX then frees.
     */
    @Test
    void indexBloatIsWhatARebuildFrees() throws Exception {
        EmbeddedCluster cluster = TestCluster.shared().cluster();
        DataSource superuser =
                TestCluster.dataSource(cluster.superuser(cluster.primary()).database("index_audit"));
        List<String> indexes = List.of("bloat_fresh_id", "bloat_deleted_id", "bloat_vacuumed_id");
        try (Connection c = superuser.getConnection();
                Statement s = c.createStatement();
                Connection ownerConnection = db.getConnection();
                Statement o = ownerConnection.createStatement()) {
            s.execute("drop extension if exists pgstattuple"); // the estimate first, as a server without it
            // the owner's tables: pg_stats shows a role only the columns it may read
            for (String t : List.of("bloat_fresh", "bloat_deleted", "bloat_vacuumed")) {
                o.execute("create table %1$s (id bigint) with (autovacuum_enabled = false);".formatted(t)
                        + "insert into %1$s select g from generate_series(1, 1000000) g;".formatted(t)
                        + "create index %1$s_id on %1$s (id);".formatted(t)
                        + "analyze %1$s;".formatted(t));
            }
            o.execute("delete from bloat_deleted where id % 4 <> 0");
            o.execute("delete from bloat_vacuumed where id % 4 <> 0");
            String after;
            try (var rs = s.executeQuery("select pg_current_xact_id()::xid::text")) {
                rs.next();
                after = rs.getString(1);
            }
            // the replicas' hot_standby_feedback holds the horizon back for up to a status interval:
            // until it passes the deletes, neither VACUUM nor REINDEX may drop those rows
            Long held = Await.until(Duration.ofSeconds(60), () -> {
                try (var ps = c.prepareStatement("""
                        select count(*) from (select backend_xmin as x from pg_stat_replication
                                              union all select xmin from pg_replication_slots) as h
                        where h.x is not null and age(h.x) >= age(?::xid)
                        """)) {
                    ps.setString(1, after);
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1) == 0 ? 0L : null;
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(held).as("the standbys' horizon passed the deletes").isNotNull();
            o.execute("vacuum bloat_vacuumed");
            o.executeQuery("select pg_stat_force_next_flush()").close();
        }
        try {
            // both tables' counts must be in the statistics before the estimate reads them: the
            // deletes for bloat_deleted, the vacuum's result for bloat_vacuumed (a vacuum that met a
            // snapshot still holding the rows leaves them dead: vacuum again)
            Long live = Await.until(Duration.ofSeconds(60), () -> {
                try (Connection c = superuser.getConnection();
                        Statement s = c.createStatement()) {
                    long deleted = -1, deletedDead = -1, vacuumed = -1, vacuumedDead = -1;
                    try (var rs = s.executeQuery("select relname, n_live_tup, n_dead_tup from pg_stat_user_tables"
                            + " where relname in ('bloat_deleted', 'bloat_vacuumed')")) {
                        while (rs.next()) {
                            if (rs.getString(1).equals("bloat_deleted")) {
                                deleted = rs.getLong(2);
                                deletedDead = rs.getLong(3);
                            } else {
                                vacuumed = rs.getLong(2);
                                vacuumedDead = rs.getLong(3);
                            }
                        }
                    }
                    if (vacuumedDead > 0) {
                        s.execute("vacuum bloat_vacuumed");
                        s.executeQuery("select pg_stat_force_next_flush()").close();
                    }
                    return deleted == 250_000 && deletedDead == 750_000 && vacuumed == 250_000 && vacuumedDead == 0
                            ? deleted
                            : null;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(live)
                    .as("the deletes and the vacuum reached the statistics")
                    .isNotNull();

            IndexAudit.Thresholds defaults = IndexAudit.Thresholds.defaults();
            IndexAudit estimated = new IndexAudit(db, defaults);
            assertThat(estimated.pgstattupleUsable()).isFalse();
            java.util.Map<String, Long> estimate = waste(estimated.bloat());
            try (Connection c = superuser.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("create extension pgstattuple");
            }
            IndexAudit measured = new IndexAudit(superuser, defaults);
            assertThat(measured.pgstattupleUsable()).isTrue();
            java.util.Map<String, Long> measure = waste(measured.bloat());
            long fresh = size(superuser, "bloat_fresh_id");
            assertThat(fresh).as("a 20 MB index").isGreaterThan(19L << 20);
            assertThat(estimate).as("estimated: " + estimate).doesNotContainKey("bloat_fresh_id");
            assertThat(measure).as("measured: " + measure).doesNotContainKey("bloat_fresh_id");

            for (String index : indexes.subList(1, 3)) {
                long before = size(superuser, index);
                try (Connection c = db.getConnection();
                        Statement s = c.createStatement()) {
                    s.execute("reindex index " + index);
                }
                long freed = before - size(superuser, index);
                assertThat(freed).as(index + " frees most of itself").isGreaterThan(before / 2);
                assertThat(estimate.get(index))
                        .as("estimated waste of " + index + " against " + freed + " freed")
                        .isBetween((long) (freed * 0.8), (long) (freed * 1.2));
                assertThat(measure.get(index))
                        .as("measured waste of " + index + " against " + freed + " freed")
                        .isBetween((long) (freed * 0.8), (long) (freed * 1.2));
            }
        } finally {
            try (Connection c = superuser.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("drop table if exists bloat_fresh, bloat_deleted, bloat_vacuumed");
                s.execute("drop extension if exists pgstattuple");
            }
        }
    }

    private static java.util.Map<String, Long> waste(List<IndexAudit.IndexBloat> rows) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        rows.stream().filter(b -> b.index().startsWith("bloat_")).forEach(b -> out.put(b.index(), b.bloatBytes()));
        return out;
    }

    private static long size(DataSource ds, String index) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("select pg_relation_size('" + index + "')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Set<String> planted(List<String> indexes) {
        return indexes.stream().filter(n -> n.startsWith("audit_")).collect(Collectors.toSet());
    }
}
