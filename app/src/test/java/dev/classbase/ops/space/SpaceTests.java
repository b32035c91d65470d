package dev.classbase.ops.space;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The space report against a database with a planted table. */
class SpaceTests {
    private static DataSource db;

    @BeforeAll
    static void plant() throws SQLException {
        db = TestCluster.shared().freshDatabase("space_report");
        plant(db);
    }

    /** Also used by the command tests: 5,000 rows, 2,000 deleted, autovacuum off so they stay dead. */
    static void plant(DataSource db) throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                create table space_plant (id bigint primary key, body text) with (autovacuum_enabled = false);
                insert into space_plant select g, repeat('x', 200) from generate_series(1, 5000) g;
                delete from space_plant where id <= 2000;
                """);
            s.executeQuery("select pg_stat_force_next_flush()").close();
        }
    }

    @Test
    void tableSizesMatchTheServerAndPartitionsRollUpToTheirParent() throws Exception {
        Space space = new Space(db, Duration.ofSeconds(10));
        Space.TableSize plant = space.tables().stream()
                .filter(t -> t.table().equals("space_plant"))
                .findFirst()
                .orElseThrow();
        assertThat(plant.totalBytes()).isEqualTo(sizeOf("pg_total_relation_size('space_plant')"));
        assertThat(plant.indexBytes()).isEqualTo(sizeOf("pg_indexes_size('space_plant')"));
        assertThat(plant.totalBytes()).isGreaterThan(1_000_000);
        assertThat(plant.partitions()).isZero();

        assertThat(space.tables())
                .extracting(Space.TableSize::table)
                .containsOnlyOnce("analytics_events")
                .doesNotContain("analytics_events_default");
        assertThat(space.tables())
                .filteredOn(t -> t.table().equals("analytics_events"))
                .singleElement()
                .satisfies(t -> assertThat(t.partitions()).isPositive());
        assertThat(space.indexes()).extracting(Space.IndexSize::index).contains("space_plant_pkey");
        assertThat(space.views()).extracting(Space.ViewSize::view).contains("mv_daily_active_users");
    }

    @Test
    void deadTuplesAfterADeleteAndNoVacuumYet() throws Exception {
        Space space = new Space(db, Duration.ofSeconds(10));
        Space.TableMaintenance plant = Await.until(Duration.ofSeconds(30), () -> {
            try {
                return space.maintenance().stream()
                        .filter(t -> t.table().equals("space_plant") && t.deadTuples() == 2000)
                        .findFirst()
                        .orElse(null);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(plant).isNotNull();
        assertThat(plant.liveTuples()).isEqualTo(3000);
        assertThat(plant.deadPercent()).isEqualTo(40.0);
        assertThat(plant.lastVacuum()).isNull();
        assertThat(plant.lastAutovacuum()).isNull();
    }

    private static long sizeOf(String expression) throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select " + expression)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
