package dev.classbase.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "classbase",
        mixinStandardHelpOptions = true,
        versionProvider = ClassbaseCommand.Version.class,
        description =
                "classbase: a learning-platform backend with a PostgreSQL data tier built for multi-school scale.",
        subcommands = {
            ServeCommand.class,
            SeedCommand.class,
            StatusCommand.class,
            MigrateCommand.class,
            PoolSizeCommand.class,
            PgBouncerConfigCommand.class,
            DbCommand.class,
            CountersCommand.class,
            PartitionsCommand.class,
            ViewsCommand.class,
            RollupsCommand.class,
            IndexesCommand.class,
            SpaceCommand.class,
            TuneCommand.class,
            MaintainCommand.class,
            OperatorsCommand.class,
            HealthCommand.class,
            AotTrainingCommand.class,
            CommandLine.HelpCommand.class
        })
public final class ClassbaseCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs the command line and returns the exit code: 0 ok, 1 failure, 2 usage error. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new ClassbaseCommand());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof dev.classbase.cluster.ClusterException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("classbase: " + dev.classbase.data.JdbcUrls.mask(e.getMessage()));
                return e instanceof IllegalArgumentException ? 2 : 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ClassbaseCommand.class.getPackage().getImplementationVersion();
            return new String[] {"classbase " + (version != null ? version : "dev")};
        }
    }
}
