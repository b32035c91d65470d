package dev.classbase.cluster;

import java.util.List;

/**
 * Runs a program so that it stops when the JVM that started it ends, by any path (even SIGKILL):
 * a shell starts it and waits for its own stdin (the JVM's pipe) to close, then sends SIGINT
 * (PostgreSQL's fast shutdown). So no postmaster outlives its owner.
 */
public final class Lifeline {
    private static final String SCRIPT = """
            exec 3<&0
            "$@" </dev/null 3<&- &
            pid=$!
            ( read -r _ <&3; kill -INT "$pid" 2>/dev/null ) &
            watcher=$!
            wait "$pid"
            status=$?
            kill "$watcher" 2>/dev/null
            exit "$status"
            """;

    private Lifeline() {}

    /** The lifeline's words, to put before the program (and after a prefix such as {@code unshare -U}). */
    public static List<String> prefix() {
        return List.of("sh", "-c", SCRIPT, "lifeline");
    }
}
