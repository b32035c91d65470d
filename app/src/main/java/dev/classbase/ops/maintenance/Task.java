package dev.classbase.ops.maintenance;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** A maintenance task, as the CLI and the admin API name it; {@code all} is every task in this order. */
public enum Task {
    VACUUM,
    ANALYZE,
    REINDEX,
    BACKUP,
    ALL;

    /** The tasks this one runs, in the order they run (VACUUM before ANALYZE, as VACUUM (ANALYZE) does). */
    public Set<Task> expand() {
        return this == ALL ? EnumSet.of(VACUUM, ANALYZE, REINDEX, BACKUP) : EnumSet.of(this);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Task> parse(String name) {
        return Arrays.stream(values())
                .filter(t -> t.label().equals(name == null ? "" : name.trim().toLowerCase(Locale.ROOT)))
                .findFirst();
    }

    /** "vacuum, analyze, reindex, backup, all": for the messages that list the valid tasks. */
    public static String valid() {
        return String.join(", ", labels());
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(Task::label).toList();
    }
}
