package dev.classbase.ops.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Rollups equal a full recomputation from the raw tables, on random data in a fresh database: events
 * arrive in random batches for random past days (late and out of order), some with no user, some
 * from a transaction that commits only after a run began (an id watermark would lose those), some
 * dated outside every partition and then moved out of the default partition by V2 (counted once).
 */
class RollupPropertyTests {
    private static final long SEED = 20261130L;
    private static final String EXPECTED = """
            with activity as (
                select tenant_id, user_id, (created_at at time zone 'UTC')::date as day from activity_logs
                where user_id is not null
                union
                select tenant_id, user_id, (occurred_at at time zone 'UTC')::date from analytics_events
                where user_id is not null
            ), dau as (
                select a.tenant_id, a.day, count(*) as users,
                       count(*) filter (where u.role = 'teacher') as teachers,
                       count(*) filter (where u.role = 'student') as students
                from activity as a left join users as u on u.tenant_id = a.tenant_id and u.id = a.user_id
                group by 1, 2
            ), ev as (
                select tenant_id, (occurred_at at time zone 'UTC')::date as day, count(*) as n
                from analytics_events group by 1, 2
            ), ac as (
                select tenant_id, (created_at at time zone 'UTC')::date as day, count(*) as n
                from activity_logs group by 1, 2
            ), keys as (
                select tenant_id, day from dau union select tenant_id, day from ev union select tenant_id, day from ac
            )
            select k.tenant_id || ' ' || k.day || ' ' || coalesce(dau.users, 0) || ' ' || coalesce(dau.teachers, 0)
                   || ' ' || coalesce(dau.students, 0) || ' ' || coalesce(ev.n, 0) || ' ' || coalesce(ac.n, 0)
            from keys as k
            left join dau using (tenant_id, day)
            left join ev using (tenant_id, day)
            left join ac using (tenant_id, day)
            order by 1
            """;
    private static final String ACTUAL = """
            select tenant_id || ' ' || day || ' ' || active_users || ' ' || active_teachers || ' ' || active_students
                   || ' ' || events || ' ' || actions
            from rollup_daily_activity
            order by 1
            """;

    private static DataSource db;
    private static JdbcClient sql;
    private static final List<long[]> USERS = new ArrayList<>(); // {tenant, user}

    @BeforeAll
    static void freshDatabase() {
        db = TestCluster.shared().freshDatabase("rollup_property");
        sql = JdbcClient.create(db);
        for (int t = 1; t <= 2; t++) {
            long tenant = sql.sql("insert into tenants (name, slug) values (?, ?) returning id")
                    .params("Rollup " + t, "rollup-" + t)
                    .query(Long.class)
                    .single();
            for (int u = 0; u < 12; u++) {
                String role = u == 0 ? "admin" : u < 4 ? "teacher" : "student";
                long id = sql.sql(
                                "insert into users (tenant_id, email, full_name, role) values (?, ?, ?, ?) returning id")
                        .params(tenant, "u" + u + "@t" + tenant + ".rollup", "User " + u, role)
                        .query(Long.class)
                        .single();
                USERS.add(new long[] {tenant, id});
            }
        }
    }

    @Test
    void rollupsEqualAFullRecomputationOverRandomRounds() throws Exception {
        Random random = new Random(SEED);
        Rollups rollups = new Rollups(db, RollupProperties.defaults());
        assertThat(rollups.run(false).outcome()).isEqualTo("rebuilt"); // the first run: nothing yet
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int round = 0; round < 6; round++) {
            for (int batch = 0; batch < 8; batch++) {
                try (Connection c = db.getConnection()) {
                    insertBatch(c, random, now);
                }
                if (random.nextInt(3) == 0) {
                    assertThat(rollups.run(false).ran()).isTrue();
                }
            }
            // a transaction that took its ids before the run and commits after it
            try (Connection late = db.getConnection()) {
                late.setAutoCommit(false);
                insertBatch(late, random, now);
                assertThat(rollups.run(false).ran()).isTrue();
                late.commit();
            }
            if (round == 3) {
                movedOutOfTheDefaultPartition(rollups, now);
            }
            assertThat(rollups.run(false).ran()).isTrue();
            assertThat(actual()).as("round %d (seed %d)", round, SEED).isEqualTo(expected());
            assertThat(sql.sql("select count(*) from rollup_inbox")
                            .query(Long.class)
                            .single())
                    .isZero();
        }
        // and a rebuild lands on the same numbers
        assertThat(rollups.run(true).outcome()).isEqualTo("rebuilt");
        assertThat(actual()).isEqualTo(expected());
        assertThat(rollups.status().initialized()).isTrue();
    }

    /** Rows dated before every partition land in the default one; V2 then moves them: counted once. */
    private static void movedOutOfTheDefaultPartition(Rollups rollups, Instant now) throws SQLException {
        Instant old = now.minus(Duration.ofDays(365 * 4));
        long[] user = USERS.get(5);
        sql.sql(
                        "insert into analytics_events (tenant_id, user_id, kind, occurred_at) values (?, ?, 'old', ?), (?, ?, 'old', ?)")
                .params(user[0], user[1], Timestamp.from(old), user[0], null, Timestamp.from(old.plusSeconds(60)))
                .update();
        assertThat(rollups.run(false).ran()).isTrue();
        assertThat(sql.sql("select count(*) from analytics_events_default")
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
        int created = sql.sql("select classbase_ensure_monthly_partitions('analytics_events', ?::date, ?::date + 1)")
                .params(old.toString().substring(0, 10), old.toString().substring(0, 10))
                .query(Integer.class)
                .single();
        assertThat(created).isEqualTo(1);
        assertThat(sql.sql("select count(*) from analytics_events_default")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(sql.sql("select count(*) from rollup_inbox")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private static void insertBatch(Connection c, Random random, Instant now) throws SQLException {
        boolean events = random.nextBoolean();
        String insert = events
                ? "insert into analytics_events (tenant_id, user_id, kind, occurred_at) values (?, ?, 'view', ?)"
                : "insert into activity_logs (tenant_id, user_id, action, created_at) values (?, ?, 'open', ?)";
        int rows = 1 + random.nextInt(30);
        StringBuilder sqlText = new StringBuilder(insert);
        sqlText.append(", (?, ?, ?)"
                .repeat(rows - 1)
                .replace("(?, ?, ?)", events ? "(?, ?, 'view', ?)" : "(?, ?, 'open', ?)"));
        try (PreparedStatement ps = c.prepareStatement(sqlText.toString())) {
            int p = 1;
            for (int i = 0; i < rows; i++) {
                long[] user = USERS.get(random.nextInt(USERS.size()));
                // mostly today and the last days, some weeks late, out of order within the batch
                long back = random.nextInt(4) == 0 ? random.nextInt(60 * 86_400) : random.nextInt(2 * 86_400);
                ps.setLong(p++, user[0]);
                if (random.nextInt(10) == 0) {
                    ps.setNull(p++, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(p++, user[1]);
                }
                ps.setTimestamp(p++, Timestamp.from(now.minusSeconds(back)));
            }
            ps.executeUpdate();
        }
    }

    private static List<String> expected() {
        return sql.sql(EXPECTED).query(String.class).list();
    }

    private static List<String> actual() {
        return sql.sql(ACTUAL).query(String.class).list();
    }
}
