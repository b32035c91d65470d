package dev.classbase.cli;

import dev.classbase.data.Migrations;
import java.util.concurrent.Callable;
import org.flywaydb.core.api.output.MigrateResult;
import picocli.CommandLine.Command;

@Command(name = "migrate", description = "Apply the schema migrations to the primary (serve does this too).")
final class MigrateCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    DataDir dataDir;

    @Override
    public Integer call() {
        try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
            MigrateResult result = Migrations.apply(target.primaryDataSource());
            System.out.printf(
                    "schema at version %s (%d migration(s) applied now)%n",
                    result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                    result.migrationsExecuted);
            return 0;
        }
    }
}
