package dev.classbase.cli;

import dev.classbase.data.Migrations;
import dev.classbase.platform.operators.OperatorAccounts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "operators",
        description = "Operators: platform staff who sign in to the database console (/admin). They belong to no "
                + "tenant and see no tenant's rows.",
        subcommands = {OperatorsCommand.Add.class, OperatorsCommand.List.class, OperatorsCommand.Remove.class})
final class OperatorsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "add",
            description = "Add an operator. Without --password-stdin a password is generated and printed once. "
                    + "Exit code 2 for an email that is taken (by an operator or a user) or malformed.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "EMAIL", description = "the operator's email (unique; not a user's)")
        String email;

        @Option(
                names = "--password-stdin",
                description = "read the password from the first line of standard input (12 characters to 72 bytes)")
        boolean passwordStdin;

        @picocli.CommandLine.Mixin
        DataDir dataDir;

        @Override
        public Integer call() throws IOException {
            String password = passwordStdin ? firstLine() : OperatorAccounts.generatePassword();
            String hash = OperatorAccounts.hash(password);
            try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
                Migrations.apply(target.primaryDataSource());
                new OperatorAccounts(target.primaryDataSource()).add(email, hash);
            }
            System.out.println("added operator " + email.trim());
            if (!passwordStdin) {
                System.out.println("password: " + password + "  (shown once; it is stored as a bcrypt hash only)");
            }
            return 0;
        }

        private static String firstLine() throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || line.isEmpty()) {
                throw new IllegalArgumentException("--password-stdin: standard input had no password");
            }
            return line;
        }
    }

    @Command(name = "list", description = "Every operator: email, active, created, sessions not yet expired.")
    static final class List implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DataDir dataDir;

        @Override
        public Integer call() {
            try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
                Migrations.apply(target.primaryDataSource());
                java.util.List<OperatorAccounts.Operator> operators =
                        new OperatorAccounts(target.primaryDataSource()).list();
                System.out.printf("%-40s %-7s %-20s %s%n", "email", "active", "created", "sessions");
                for (OperatorAccounts.Operator o : operators) {
                    System.out.printf(
                            "%-40s %-7s %-20s %d%n",
                            o.email(),
                            o.isActive() ? "yes" : "no",
                            o.createdAt().toLocalDateTime().withNano(0),
                            o.sessions());
                }
                if (operators.isEmpty()) {
                    System.out.println("no operators; add one: ./classbase operators add EMAIL");
                }
                return 0;
            }
        }
    }

    @Command(
            name = "remove",
            description = "Remove an operator and its sessions (a server may trust a cached session up to "
                    + "classbase.cache.session-ttl longer). Exit code 1 when there is no such operator.")
    static final class Remove implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;

        @picocli.CommandLine.Mixin
        DataDir dataDir;

        @Override
        public Integer call() {
            try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
                Migrations.apply(target.primaryDataSource());
                if (!new OperatorAccounts(target.primaryDataSource()).remove(email)) {
                    System.err.println("classbase: no operator " + email.trim());
                    return 1;
                }
                System.out.println("removed operator " + email.trim());
                return 0;
            }
        }
    }
}
