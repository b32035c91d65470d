package dev.classbase;

import dev.classbase.cli.ClassbaseCommand;

/** Entry point of the jar: the {@code classbase} command line (serve, seed, status, ...). */
public final class Classbase {
    private Classbase() {}

    public static void main(String[] args) {
        int code = ClassbaseCommand.run(args);
        System.exit(code);
    }
}
