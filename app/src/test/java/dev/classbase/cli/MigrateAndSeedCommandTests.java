package dev.classbase.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.seed.Scale;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code migrate} and {@code seed --scale demo --reset} as a user runs them: a child JVM pointed
 * at a database of the shared test cluster by {@code CLASSBASE_DATABASE_URL}; what they print, and
 * the rows they leave, counted here.
 */
class MigrateAndSeedCommandTests {
    private static final Pattern MIGRATED =
            Pattern.compile("schema at version (\\d+) \\((\\d+) migration\\(s\\) applied now\\)");

    @Test
    void migrateAppliesEveryScriptToAnEmptyDatabaseAndThenNothing() throws Exception {
        TestCluster shared = TestCluster.shared();
        EmbeddedCluster cluster = shared.cluster();
        try (Connection c = shared.superuserDataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS cli_migrate WITH (FORCE)");
            s.execute("CREATE DATABASE cli_migrate OWNER " + EmbeddedCluster.OWNER_ROLE);
        }
        DataSource db = TestCluster.dataSource(cluster.primary().database("cli_migrate"));
        assertThat(queryLong(db, "select count(*) from pg_tables where schemaname = 'public'"))
                .as("an empty database")
                .isZero();
        long scripts;
        int newest;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            int[] versions = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
                    .toArray();
            scripts = versions.length;
            newest = java.util.Arrays.stream(versions).max().orElseThrow();
        }

        Cli.Result first = Cli.run(env(cluster.primary(), "cli_migrate"), Duration.ofSeconds(180), "migrate");
        assertThat(first.exitCode()).as(first.output()).isZero();
        Matcher m = MIGRATED.matcher(first.stdout());
        assertThat(m.find()).as(first.output()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(newest);
        assertThat(Long.parseLong(m.group(2))).isEqualTo(scripts);
        assertThat(first.output()).doesNotContain(cluster.primary().password());
        assertThat(queryLong(db, "select count(*) from flyway_schema_history where success and version is not null"))
                .isEqualTo(scripts);
        assertThat(queryLong(db, "select count(*) from flyway_schema_history where not success"))
                .isZero();
        assertThat(queryLong(db, "select max(version::int) from flyway_schema_history"))
                .isEqualTo(newest);
        assertThat(queryLong(
                        db,
                        "select count(*) from pg_tables where schemaname = 'public' and tablename in "
                                + "('tenants', 'users', 'courses', 'enrollments', 'submissions', 'analytics_events')"))
                .isEqualTo(6);
        assertThat(queryLong(db, "select count(*) from tenants"))
                .as("migrate seeds nothing")
                .isZero();

        Cli.Result again = Cli.run(env(cluster.primary(), "cli_migrate"), Duration.ofSeconds(180), "migrate");
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.stdout()).contains("schema at version " + newest + " (0 migration(s) applied now)");
        assertThat(queryLong(db, "select count(*) from flyway_schema_history where version is not null"))
                .isEqualTo(scripts);
    }

    @Test
    void seedWithResetReplacesWhatTheDatabaseHeldByTheDemoDistrict() throws Exception {
        TestCluster shared = TestCluster.shared();
        EmbeddedCluster cluster = shared.cluster();
        DataSource db = shared.freshDatabase("cli_seed_reset");
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO tenants (name, slug) VALUES ('Existing School', 'existing')");
        }

        Cli.Result result = Cli.run(
                env(cluster.primary(), "cli_seed_reset"), Duration.ofMinutes(5), "seed", "--scale", "demo", "--reset");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.stdout())
                .contains("seeded scale demo (seed 42)")
                .contains("Demo accounts (password 'classbase-demo'): admin@");
        assertThat(result.output()).doesNotContain(cluster.primary().password());

        assertThat(queryLong(db, "select count(*) from tenants where slug = 'existing'"))
                .as("the row that was there before")
                .isZero();
        for (Map.Entry<String, Long> table : Scale.DEMO.tableSizes().entrySet()) {
            assertThat(queryLong(db, "select count(*) from " + table.getKey()))
                    .as(table.getKey())
                    .isEqualTo(table.getValue());
        }
        assertThat(queryLong(db, "select count(*) from users where role = 'admin'"))
                .as("an admin per tenant at least")
                .isGreaterThanOrEqualTo(Scale.DEMO.tenants());
    }

    @Test
    void seedWithPasswordStdinGivesEveryAccountThatPasswordAndNotTheDemoOne() throws Exception {
        TestCluster shared = TestCluster.shared();
        DataSource db = shared.freshDatabase("cli_seed_password");

        Cli.Result result = Cli.runWithInput(
                env(shared.cluster().primary(), "cli_seed_password"),
                Duration.ofMinutes(5),
                "bench-accounts-7\n",
                "seed",
                "--scale",
                "demo",
                "--password-stdin");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.stdout())
                .contains("every generated account signs in with the password given on standard input")
                .doesNotContain("classbase-demo")
                .doesNotContain("bench-accounts-7");

        assertThat(queryLong(db, "select count(distinct password_hash) from users"))
                .as("one hash for every account")
                .isEqualTo(1);
        String hash;
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("select password_hash from users where email = 'student1@northwood.demo'")) {
            assertThat(rs.next()).isTrue();
            hash = rs.getString(1);
        }
        var bcrypt = new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder();
        assertThat(bcrypt.matches("bench-accounts-7", hash)).isTrue();
        assertThat(bcrypt.matches("classbase-demo", hash)).isFalse();
    }

    @Test
    void seedWithAnEmptyPasswordOnStdinWritesNothing() throws Exception {
        TestCluster shared = TestCluster.shared();
        DataSource db = shared.freshDatabase("cli_seed_no_password");

        Cli.Result result = Cli.runWithInput(
                env(shared.cluster().primary(), "cli_seed_no_password"),
                Duration.ofMinutes(2),
                "",
                "seed",
                "--scale",
                "demo",
                "--password-stdin");

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.stderr()).contains("--password-stdin: the password is empty; nothing was written");
        assertThat(queryLong(db, "select count(*) from users")).isZero();
    }

    private static Map<String, String> env(Endpoint primary, String database) {
        return Map.of(
                "CLASSBASE_DATABASE_URL",
                "postgresql://" + primary.user() + ":" + primary.password() + "@127.0.0.1:" + primary.port() + "/"
                        + database);
    }

    private static long queryLong(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
