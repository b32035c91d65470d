package dev.classbase.cli;

import dev.classbase.data.Migrations;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.flywaydb.core.api.output.MigrateResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "migrate", description = "Apply the schema migrations to the primary (serve does this too).")
final class MigrateCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "embedded cluster folder (default: $CLASSBASE_DATA_DIR or var/cluster)")
    Path dataDir;

    @Override
    public Integer call() {
        try (DatabaseTarget target = DatabaseTarget.open(dataDir, Settings.replicas(null))) {
            MigrateResult result = Migrations.apply(target.primaryDataSource());
            System.out.printf(
                    "schema at version %s (%d migration(s) applied now)%n",
                    result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                    result.migrationsExecuted);
            return 0;
        }
    }
}
