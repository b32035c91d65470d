package dev.classbase.cli;

import dev.classbase.data.Migrations;
import dev.classbase.seed.DataGenerator;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.seed.Scale;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "seed",
        description = "Generate a dataset inside PostgreSQL: demo (3 tenants, 2k users), S (20k users), "
                + "M (100k users) or L (200k users). Deterministic for a given --seed.")
final class SeedCommand implements Callable<Integer> {

    @Option(
            names = "--scale",
            defaultValue = "demo",
            converter = ScaleConverter.class,
            description = "demo, S, M or L (default: ${DEFAULT-VALUE})")
    Scale scale;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--reset", description = "empty every classbase table first (required on a non-empty database)")
    boolean reset;

    @Option(
            names = "--password-stdin",
            description = "every generated account's password, from the first line of standard input "
                    + "(default: the demo password, which serve prints)")
    boolean passwordStdin;

    @picocli.CommandLine.Mixin
    DataDir dataDir;

    @Override
    public Integer call() throws IOException {
        String hash;
        try {
            hash = passwordStdin ? DemoAccounts.passwordHash(firstLine()) : DemoAccounts.passwordHash();
        } catch (IllegalArgumentException e) {
            System.err.println("classbase: --password-stdin: " + e.getMessage() + "; nothing was written.");
            return 2;
        }
        try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
            Migrations.apply(target.primaryDataSource());
            DataGenerator generator = new DataGenerator(target.primaryDataSource());
            if (!generator.isEmpty()) {
                if (!reset) {
                    System.err.println("classbase: the database already holds data; nothing was written. "
                            + "Run with --reset to replace it.");
                    return 1;
                }
                generator.reset();
            }
            long started = System.nanoTime();
            Seeding.seed(generator, scale, seed, hash);
            System.out.printf(
                    "seeded scale %s (seed %d) in %.1f s%n", scale.label(), seed, (System.nanoTime() - started) / 1e9);
            if (passwordStdin) {
                System.out.println("every generated account signs in with the password given on standard input");
            } else {
                Seeding.printSignInHint(target.primaryDataSource());
            }
            return 0;
        }
    }

    private static String firstLine() throws IOException {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return line == null ? "" : line;
    }

    static final class ScaleConverter implements picocli.CommandLine.ITypeConverter<Scale> {
        @Override
        public Scale convert(String value) {
            try {
                return Scale.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
