package dev.classbase.data.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.pool.PoolInputs;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Rendering, and the rendered files in a real PgBouncer (the OS package, 1.18 here) in front of the
 * shared embedded cluster.
 */
class PgBouncerConfigTests {
    /** The shipped template's inputs: 8 database cores, 4 instances, max_connections 200, 2000 tx/s of 5 ms. */
    static final PoolInputs TEMPLATE_INPUTS = new PoolInputs(8, 4, 200, 10, 0.8, 2000, 5, 1, 1, 8);

    static PgBouncerConfig.Settings templateSettings() {
        return PgBouncerConfig.Settings.of(
                        List.of(new PgBouncerConfig.Database("classbase", "db-primary.internal", 5432, "classbase")),
                        TEMPLATE_INPUTS)
                .withUsers(List.of("pgbouncer_admin"), List.of("classbase", "pgbouncer_admin"));
    }

    @Test
    void rendersTransactionPoolingWithScramAndTheSizes() {
        String ini = PgBouncerConfig.ini(templateSettings());
        assertThat(ini)
                .contains("[databases]\nclassbase = host='db-primary.internal' port=5432 dbname='classbase'\n")
                .contains("\n[pgbouncer]\n")
                .contains("\npool_mode = transaction\n")
                .contains("\nauth_type = scram-sha-256\n")
                .contains("\nauth_file = /etc/pgbouncer/userlist.txt\n")
                .contains("\nignore_startup_parameters = extra_float_digits\n")
                .contains("\nserver_reset_query =\n")
                .contains("\nserver_check_query = select 1\n")
                .contains("\nadmin_users = pgbouncer_admin\n")
                .contains("\nstats_users = classbase,pgbouncer_admin\n")
                .contains("\nlisten_port = 6432\n")
                .contains("\nlogfile = ")
                .contains("\npidfile = ")
                .contains(";client_tls_sslmode = require");
        BouncerSizes sizes = templateSettings().sizes();
        assertThat(ini)
                .contains("\ndefault_pool_size = " + sizes.defaultPoolSize() + "\n")
                .contains("\nmin_pool_size = " + sizes.minPoolSize() + "\n")
                .contains("\nreserve_pool_size = " + sizes.reservePoolSize() + "\n")
                .contains("\nmax_db_connections = " + sizes.maxDbConnections() + "\n")
                .contains("\nmax_client_conn = " + sizes.maxClientConn() + "\n");
        assertThat(ini.toLowerCase()).doesNotContain("md5");
    }

    @Test
    void everySettingLineIsAKnownKeyWithOneValue() {
        for (String line : PgBouncerConfig.ini(templateSettings()).split("\n")) {
            if (line.isBlank() || line.startsWith(";") || line.startsWith("[")) {
                continue;
            }
            assertThat(line).matches("[a-z_]+ = ?.*");
        }
    }

    @Test
    void connectionStringValuesAreQuotedWithQuotesDoubled() {
        String ini = PgBouncerConfig.ini(PgBouncerConfig.Settings.of(
                List.of(new PgBouncerConfig.Database("odd", "db host", 5432, "it's")), TEMPLATE_INPUTS));
        assertThat(ini).contains("odd = host='db host' port=5432 dbname='it''s'\n");
    }

    @Test
    void inputThatCouldAddALineOrASettingIsRefused() {
        PgBouncerConfig.Database db = new PgBouncerConfig.Database("classbase", "127.0.0.1", 5432, "classbase");
        PgBouncerConfig.Settings ok = PgBouncerConfig.Settings.of(List.of(db), TEMPLATE_INPUTS);
        assertThatThrownBy(() -> PgBouncerConfig.ini(PgBouncerConfig.Settings.of(
                        List.of(new PgBouncerConfig.Database("my db", "h", 5432, "x")), TEMPLATE_INPUTS)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'my db'");
        assertThatThrownBy(() -> PgBouncerConfig.ini(PgBouncerConfig.Settings.of(
                        List.of(new PgBouncerConfig.Database("pgbouncer", "h", 5432, "x")), TEMPLATE_INPUTS)))
                .hasMessageContaining("pgbouncer");
        assertThatThrownBy(() -> PgBouncerConfig.ini(PgBouncerConfig.Settings.of(
                        List.of(new PgBouncerConfig.Database("x", "h\nauth_type = trust", 5432, "x")),
                        TEMPLATE_INPUTS)))
                .hasMessageContaining("host");
        assertThatThrownBy(() -> PgBouncerConfig.ini(ok.withFiles("/tmp/u\nauth_type = trust", "/l", "/p", "")))
                .hasMessageContaining("auth_file");
        assertThatThrownBy(() -> PgBouncerConfig.ini(ok.withUsers(List.of("a,b"), List.of())))
                .hasMessageContaining("admin_users");
        assertThatThrownBy(() -> PgBouncerConfig.ini(ok.withListen(" 127.0.0.1", 6432)))
                .hasMessageContaining("listen_addr");
        assertThatThrownBy(() -> ok.withListen("127.0.0.1", 70000)).hasMessageContaining("listen port");
    }

    @Test
    void userlistQuotesNamesAndKeepsOnlyScramSecrets() {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("classbase", "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy");
        secrets.put("we\"ird", "SCRAM-SHA-256$4096:eA==$eQ==:eg==");
        assertThat(PgBouncerConfig.userlist(secrets))
                .isEqualTo("\"classbase\" \"SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy\"\n"
                        + "\"we\"\"ird\" \"SCRAM-SHA-256$4096:eA==$eQ==:eg==\"\n");
        assertThatThrownBy(() -> PgBouncerConfig.userlist(Map.of("old", "md5" + "0".repeat(32))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("old")
                .hasMessageContaining("not a SCRAM-SHA-256 secret");
        assertThatThrownBy(() -> PgBouncerConfig.userlist(Map.of("a\nb", "SCRAM-SHA-256$x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The shipped template is this renderer's output, so it loads in PgBouncer exactly as the tested
     * one does. Regenerate with {@code -Dclassbase.regenerate=true}.
     */
    @Test
    void theShippedTemplateIsTheRenderersOutput() throws IOException {
        Path shipped = Path.of("..", "infrastructure", "pgbouncer", "pgbouncer.ini");
        String rendered = PgBouncerConfig.ini(templateSettings());
        if (Boolean.getBoolean("classbase.regenerate")) {
            Files.writeString(shipped, rendered);
        }
        assertThat(Files.readString(shipped)).isEqualTo(rendered);
    }

    /**
     * A real PgBouncer on a free port with the rendered ini and a userlist read from pg_authid. It refuses
     * to run as root, so under root it runs as nobody from a folder nobody owns.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RealPgBouncer {
        private static final Path PGBOUNCER = Path.of("/usr/sbin/pgbouncer");
        private Path dir;
        private Process process;
        private int port;
        private Endpoint app;
        private BouncerSizes sizes;

        @BeforeAll
        void start() throws Exception {
            assertThat(PGBOUNCER)
                    .as("PgBouncer from the OS package (apt-get install pgbouncer; ./classbase test installs it)")
                    .isExecutable();
            EmbeddedCluster cluster = TestCluster.shared().cluster();
            app = cluster.primary();
            Map<String, String> secrets;
            try (Connection su = TestCluster.dataSource(cluster.superuser(app)).getConnection()) {
                secrets = AuthQueries.scramSecrets(su, List.of(app.user()));
            }
            dir = Files.createTempDirectory("classbase-pgbouncer");
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            // 2 cores: default_pool_size 5, so the clients below outnumber the server connections
            PoolInputs inputs = new PoolInputs(2, 1, 200, 10, 0.8, 200, 5, 1, 1, 8);
            PgBouncerConfig.Settings settings = PgBouncerConfig.Settings.of(
                            List.of(new PgBouncerConfig.Database(
                                    app.database(), app.host(), app.port(), app.database())),
                            inputs)
                    .withListen("127.0.0.1", port)
                    .withFiles(
                            dir.resolve("userlist.txt").toString(),
                            dir.resolve("pgbouncer.log").toString(),
                            dir.resolve("pgbouncer.pid").toString(),
                            "")
                    .withUsers(List.of(app.user()), List.of(app.user()));
            sizes = settings.sizes();
            Files.writeString(dir.resolve("pgbouncer.ini"), PgBouncerConfig.ini(settings));
            Files.writeString(dir.resolve("userlist.txt"), PgBouncerConfig.userlist(secrets));
            Files.setPosixFilePermissions(dir.resolve("userlist.txt"), PosixFilePermissions.fromString("rw-------"));
            List<String> command = new ArrayList<>(List.of(PGBOUNCER.toString()));
            if (runningAsRoot()) {
                giveTo("nobody", "nogroup", dir);
                command.addAll(List.of("-u", "nobody"));
            }
            command.add(dir.resolve("pgbouncer.ini").toString());
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
            Boolean up = Await.until(Duration.ofSeconds(20), () -> accepts(port) ? Boolean.TRUE : null);
            assertThat(up)
                    .as("PgBouncer listening on %d; its output:%n%s", port, output())
                    .isNotNull();
        }

        @AfterAll
        void stop() throws Exception {
            if (process != null && process.isAlive()) {
                // SIGINT: PgBouncer's safe shutdown, after the running transactions
                new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                        .start()
                        .waitFor();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
            if (dir != null) {
                FileUtils.deleteDirectory(dir.toFile());
            }
        }

        @Test
        void transactionsRunThroughItAndSetLocalStaysInItsTransaction() throws Exception {
            try (Connection c = connect(app.database(), app.user(), app.password(), "")) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL statement_timeout = '1500ms'");
                    assertThat(single(s, "SHOW statement_timeout")).isEqualTo("1500ms");
                    assertThat(single(s, "SELECT current_user || '@' || current_database()"))
                            .isEqualTo(app.user() + "@" + app.database());
                }
                c.commit();
                try (Statement s = c.createStatement()) {
                    assertThat(single(s, "SHOW statement_timeout")).isNotEqualTo("1500ms");
                }
                c.commit();
                // bind parameters, more executions than pgjdbc's default prepareThreshold of 5
                try (PreparedStatement ps = c.prepareStatement("SELECT sum(x) FROM generate_series(1, ?) AS x")) {
                    for (int n = 1; n <= 20; n++) {
                        ps.setInt(1, n);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            assertThat(rs.getLong(1)).isEqualTo((long) n * (n + 1) / 2);
                        }
                        c.commit();
                    }
                }
            }
        }

        @Test
        void moreClientsThanServerConnectionsAllFinishTheirTransactions() throws Exception {
            int clients = 4 * sizes.defaultPoolSize();
            int transactions = 25;
            List<Future<Integer>> done = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
                for (int i = 0; i < clients; i++) {
                    int client = i;
                    done.add(pool.submit(() -> {
                        int ok = 0;
                        try (Connection c = connect(app.database(), app.user(), app.password(), "")) {
                            c.setAutoCommit(false);
                            for (int t = 0; t < transactions; t++) {
                                try (Statement s = c.createStatement()) {
                                    // whatever server connection this is, no other client's SET LOCAL is left
                                    assertThat(single(s, "SELECT current_setting('classbase.client', true)"))
                                            .isNullOrEmpty();
                                    s.execute("SET LOCAL classbase.client = 'client-" + client + "'");
                                }
                                try (PreparedStatement ps = c.prepareStatement(
                                        "SELECT current_setting('classbase.client'), ?::int, pg_sleep(0.002)")) {
                                    ps.setInt(1, t);
                                    try (ResultSet rs = ps.executeQuery()) {
                                        rs.next();
                                        assertThat(rs.getString(1)).isEqualTo("client-" + client);
                                        assertThat(rs.getInt(2)).isEqualTo(t);
                                    }
                                }
                                c.commit();
                                ok++;
                            }
                        }
                        return ok;
                    }));
                }
                for (Future<Integer> f : done) {
                    assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(transactions);
                }
            }
            List<Map<String, String>> servers =
                    PgBouncerAdmin.show("127.0.0.1", port, app.user(), app.password(), "SERVERS");
            assertThat(servers).hasSizeBetween(1, sizes.defaultPoolSize() + sizes.reservePoolSize());
        }

        @Test
        void showPoolsAnswersOnTheAdminConsole() throws Exception {
            try (Connection c = connect(app.database(), app.user(), app.password(), "");
                    Statement s = c.createStatement()) {
                assertThat(single(s, "SELECT 1")).isEqualTo("1");
            }
            List<Map<String, String>> pools =
                    PgBouncerAdmin.show("127.0.0.1", port, app.user(), app.password(), "POOLS");
            assertThat(pools)
                    .filteredOn(row -> app.database().equals(row.get("database")))
                    .singleElement()
                    .satisfies(row -> {
                        assertThat(row).containsEntry("user", app.user()).containsEntry("pool_mode", "transaction");
                        assertThat(row).containsKeys("cl_active", "cl_waiting", "sv_active", "sv_idle", "maxwait");
                    });
        }

        @Test
        void aWrongPasswordOrAnUnlistedRoleIsRefused() {
            assertThatThrownBy(() -> connect(app.database(), app.user(), "not-the-password", "")
                            .close())
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() ->
                            connect(app.database(), "postgres", "whatever", "").close())
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> PgBouncerAdmin.show("127.0.0.1", port, app.user(), "not-the-password", "POOLS"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("refused");
        }

        private Connection connect(String database, String user, String password, String extra) throws SQLException {
            Properties props = new Properties();
            props.setProperty("user", user);
            props.setProperty("password", password);
            props.setProperty("connectTimeout", "5");
            return DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?prepareThreshold=0" + extra, props);
        }

        private String output() {
            StringBuilder text = new StringBuilder();
            for (String name : List.of("stdout.log", "pgbouncer.log")) {
                try {
                    text.append(Files.readString(dir.resolve(name)));
                } catch (IOException e) {
                    // not written yet
                }
            }
            return text.toString();
        }
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean runningAsRoot() throws IOException {
        return Files.getOwner(Path.of("/proc/self")).getName().equals("root");
    }

    /** chown -R user:group dir */
    private static void giveTo(String user, String group, Path dir) throws IOException {
        UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal owner = lookup.lookupPrincipalByName(user);
        GroupPrincipal ownerGroup = lookup.lookupPrincipalByGroupName(group);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                view.setOwner(owner);
                view.setGroup(ownerGroup);
            }
        }
    }
}
