package dev.classbase.cli;

import dev.classbase.platform.operators.OperatorAccounts;
import dev.classbase.seed.DataGenerator;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.seed.Scale;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Demo data for a new cluster, and what to tell the user about signing in. */
final class Seeding {
    static final String DEMO_PASSWORD = DemoAccounts.PASSWORD;

    static final long DEFAULT_SEED = 42;

    private Seeding() {}

    /** Seeds the demo district and the demo operator into an empty database; true when it did. */
    static boolean seedDemoIfEmpty(DatabaseTarget target) {
        DataGenerator generator = new DataGenerator(target.primaryDataSource());
        if (!generator.isEmpty()) {
            return false;
        }
        System.err.println("classbase: first start, seeding the demo district (scale demo, seed " + DEFAULT_SEED + ")");
        seed(generator, Scale.DEMO, DEFAULT_SEED);
        new OperatorAccounts(target.primaryDataSource())
                .addIfAbsent(DemoAccounts.OPERATOR, DemoAccounts.passwordHash());
        return true;
    }

    static void seed(DataGenerator generator, Scale scale, long seed) {
        seed(generator, scale, seed, DemoAccounts.passwordHash());
    }

    /** {@code passwordHash}: every generated account's (one hash: bcrypt costs tens of milliseconds). */
    static void seed(DataGenerator generator, Scale scale, long seed, String passwordHash) {
        String hash = passwordHash;
        generator.generate(scale, seed, LocalDate.now(ZoneOffset.UTC), hash, new ProgressBar(System.err));
    }

    static void printSignInHint(DataSource ds) {
        List<String> admins = new ArrayList<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT email FROM users WHERE role = 'admin' ORDER BY tenant_id, id LIMIT 3");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                admins.add(rs.getString(1));
            }
        } catch (SQLException e) {
            return;
        }
        if (!admins.isEmpty()) {
            System.out.println("Demo accounts (password '" + DEMO_PASSWORD + "'): " + String.join(", ", admins)
                    + "; teachers and students follow the same pattern (teacher1@..., student1@...).");
        }
        boolean demoOperator = new OperatorAccounts(ds)
                .list().stream().anyMatch(o -> o.email().equalsIgnoreCase(DemoAccounts.OPERATOR) && o.isActive());
        if (demoOperator) {
            System.out.println("Operator (platform staff: the database console at /admin, the actuator): "
                    + DemoAccounts.OPERATOR + ", password '" + DEMO_PASSWORD + "'.");
        }
    }
}
