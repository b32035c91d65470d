package dev.classbase.ops.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.testsupport.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;

/**
 * The backup task on the embedded PostgreSQL 17, for which this machine has no pg_dump (15 only):
 * a base backup, then a restore check on a scratch server. Run as the service role, as the server's
 * weekly job does (the embedded cluster grants it pg_backup_start and pg_monitor's settings).
 */
class BackupTests {
    @Test
    void baseBackupIsMadeAndItsRestoreCheckPasses() throws Exception {
        // the classbase database: the embedded cluster grants pg_backup_start there (rights on a
        // function are per database)
        TestCluster cluster = TestCluster.shared();
        DataSource owner = cluster.primaryDataSource();
        exec(owner, """
                drop table if exists bk_rows;
                create table bk_rows (id bigint primary key, body text);
                insert into bk_rows select g, md5(g::text) from generate_series(1, 20000) g;
                """);
        try {
            backUp(cluster);
        } finally {
            exec(owner, "drop table bk_rows");
        }
    }

    private static void backUp(TestCluster cluster) throws Exception {
        EmbeddedCluster ec = cluster.cluster();
        Endpoint service = ec.service(ec.primary());
        Path dir = Path.of(
                "target",
                "maintenance-backups",
                Long.toString(ProcessHandle.current().pid()));
        FileUtils.deleteDirectory(dir.toFile());
        Maintenance maintenance = new Maintenance(
                TestCluster.dataSource(service),
                new Login(service.jdbcUrl(), service.user(), service.password()),
                MaintenanceProperties.defaults(dir, 2, null),
                Clock.systemUTC());

        String plan = maintenance.backupPlan();
        // whichever this machine has, the plan says it: a fitting pg_dump, or a base backup and why
        if (PgDumpBinary.find(null, 17, new ArrayList<>()).isEmpty()) {
            assertThat(plan).startsWith("base backup: no pg_dump of major 17 or newer");
        } else {
            assertThat(plan).startsWith("pg_dump");
        }
        Maintenance.TaskRun run;
        List<String> lines = new ArrayList<>();
        try (Maintenance.Session session = maintenance.begin("cli")) {
            run = session.run(Task.BACKUP, new Maintenance.Progress() {
                        @Override
                        public void begin(MaintenanceTarget item) {
                            lines.add("begin " + item.reason());
                        }

                        @Override
                        public void end(Maintenance.Item item) {
                            lines.add("end " + item.outcome() + " " + item.detail());
                        }
                    })
                    .getFirst();
        }
        assertThat(run.outcome()).as(run.detail()).isEqualTo("succeeded");
        assertThat(run.method()).isIn("base backup", "pg_dump");
        assertThat(run.detail())
                .contains("restore check passed")
                .contains("row counts match")
                .contains("public.bk_rows 20,000");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("end done");

        List<Path> made;
        try (var files = Files.list(dir)) {
            made = files.toList();
        }
        assertThat(made)
                .singleElement()
                .satisfies(
                        p -> assertThat(p.getFileName().toString()).matches("classbase-\\d{8}T\\d{6}Z\\.(base|dump)"));
        Path backup = made.getFirst();
        if (run.method().equals("base backup")) {
            assertThat(backup.resolve("backup_label")).exists();
            assertThat(backup.resolve("PG_VERSION")).hasContent("17");
            try (var wal = Files.list(backup.resolve("pg_wal"))) {
                assertThat(wal.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}")))
                        .isNotEmpty();
            }
            // the check ran on a copy: the backup itself was never started
            assertThat(backup.resolve("postmaster.pid")).doesNotExist();
            assertThat(backup.resolve("backup_label.old")).doesNotExist();
        } else {
            // custom format: pg_restore's archive header
            assertThat(new String(Files.readAllBytes(backup), 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("PGDMP");
        }

        Optional<Maintenance.Run> recorded = maintenance.lastRuns().stream()
                .filter(r -> r.task().equals("backup"))
                .findFirst();
        assertThat(recorded).hasValueSatisfying(r -> {
            assertThat(r.outcome()).isEqualTo("succeeded");
            assertThat(r.method()).isEqualTo(run.method());
            assertThat(r.triggeredBy()).isEqualTo("cli");
        });
        FileUtils.deleteDirectory(dir.toFile()); // a copy of the whole test cluster: not kept
    }

    private static void exec(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void retentionKeepsTheNewestAndTouchesNothingElse() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "retention");
        for (String name : List.of(
                "classbase-20261101T000000Z.base",
                "classbase-20261102T000000Z.dump",
                "classbase-20261103T000000Z.base",
                "notes.txt",
                "classbase-20261104T000000Z.base.partial")) {
            if (name.endsWith(".base") || name.endsWith(".partial")) {
                Files.createDirectories(dir.resolve(name));
            } else {
                Files.writeString(dir.resolve(name), "x");
            }
        }
        Backups backups = new Backups(MaintenanceProperties.defaults(dir, 2, null), null, Clock.systemUTC());
        assertThat(backups.prune(dir))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("classbase-20261101T000000Z.base");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            "classbase-20261102T000000Z.dump",
                            "classbase-20261103T000000Z.base",
                            "notes.txt",
                            "classbase-20261104T000000Z.base.partial");
        }
        FileUtils.deleteDirectory(dir.toFile());
    }

    @Test
    void anOlderPgDumpIsNotChosenAndSaysWhy() {
        List<String> seen = new ArrayList<>();
        Optional<PgDumpBinary> found = PgDumpBinary.find(null, 99, seen);
        assertThat(found).isEmpty();
        Path pg15 = Path.of("/usr/lib/postgresql/15/bin/pg_dump");
        // postgresql-15 is one of the suite's OS packages (docs/TESTING.md; ./classbase test installs it)
        assertThat(pg15).as("the postgresql-15 package's pg_dump").isExecutable();
        assertThat(seen).anySatisfy(s -> assertThat(s).contains(pg15 + " is pg_dump 15, older than the server (99)"));
        assertThat(PgDumpBinary.find(null, 15, new ArrayList<>()))
                .hasValueSatisfying(b -> assertThat(b.major()).isGreaterThanOrEqualTo(15));
        List<String> configured = new ArrayList<>();
        PgDumpBinary.find("/nonexistent/pg_dump", 17, configured);
        assertThat(configured).anySatisfy(s -> assertThat(s).contains("classbase.maintenance.pg-dump"));
    }
}
