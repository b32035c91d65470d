package dev.classbase.ops.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.Endpoint;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./classbase indexes audit} as a user runs it, against a database with planted problems. */
class IndexesCommandTests {

    @Test
    void auditPrintsEachPlantedProblem() throws Exception {
        IndexAuditTests.plant(TestCluster.shared().freshDatabase("indexes_cli"));
        Endpoint primary = TestCluster.shared().cluster().primary();
        Map<String, String> env = Map.of(
                "CLASSBASE_DATABASE_URL",
                "postgresql://" + primary.user() + ":" + primary.password() + "@127.0.0.1:" + primary.port()
                        + "/indexes_cli");

        Cli.Result r = Cli.run(
                env, Duration.ofSeconds(120), "indexes", "audit", "--unused-min-bytes", "0", "--bloat-min-bytes", "0");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.stdout())
                .containsPattern("public\\.audit_a_2 on audit_plant\\s+duplicate of audit_a_1 \\(btree\\)")
                .containsPattern("public\\.audit_b on audit_plant\\s+prefix of audit_b_v \\(btree\\)")
                .containsPattern("invalid indexes: 1\\R  public\\.audit_invalid on audit_plant")
                .contains("public.audit_tags_gin on audit_plant")
                .doesNotContain("audit_tags_gin on audit_plant  duplicate")
                .doesNotContain("audit_parted_1_k_idx")
                .contains("estimated; install pgstattuple to measure");

        Cli.Result badTimeout = Cli.run(env, Duration.ofSeconds(60), "indexes", "audit", "--timeout", "soon");
        assertThat(badTimeout.exitCode()).isEqualTo(2);
        assertThat(badTimeout.stderr()).contains("--timeout must look like 10s");
    }
}
