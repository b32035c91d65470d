package dev.classbase.testsupport;

import dev.classbase.seed.DataGenerator;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.seed.Scale;
import javax.sql.DataSource;

/**
 * Scale-S data (20 tenants, 20k users, 1M submissions, 1M events) generated once per test JVM into
 * the shared cluster's {@code scale_s} database, for tests whose plans need volume (index proofs).
 * About two minutes on a 2-core machine, paid once.
 */
public final class ScaleS {
    public static final String DATABASE = "scale_s";
    private static DataSource owner;

    private ScaleS() {}

    /** The scale_s database as the schema owner. */
    public static synchronized DataSource ownerDataSource() {
        if (owner == null) {
            TestCluster cluster = TestCluster.shared();
            DataSource ds = cluster.freshDatabase(DATABASE);
            new DataGenerator(ds).generate(Scale.S, 42, TestApp.AS_OF, DemoAccounts.passwordHash(), null);
            owner = ds;
        }
        return owner;
    }

    /** The scale_s database as the service role (row-level security applies). */
    public static DataSource serviceDataSource() {
        ownerDataSource();
        TestCluster cluster = TestCluster.shared();
        return TestCluster.dataSource(
                cluster.cluster().service(cluster.cluster().primary()).database(DATABASE));
    }
}
