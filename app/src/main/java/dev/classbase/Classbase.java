package dev.classbase;

import dev.classbase.cli.ClassbaseCommand;

/** Entry point of the jar: the {@code classbase} command line (serve, seed, status, ...). */
public final class Classbase {
    private Classbase() {}

    public static void main(String[] args) {
        quietLibraries();
        int code = ClassbaseCommand.run(args);
        System.exit(code);
    }

    /** Before Spring configures logging (serve), commands log at INFO without the libraries' chatter. */
    private static void quietLibraries() {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.INFO);
            context.getLogger("org.flywaydb").setLevel(ch.qos.logback.classic.Level.WARN);
            context.getLogger("com.zaxxer.hikari").setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
