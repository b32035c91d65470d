package dev.classbase.ops.views;

import java.time.Duration;
import java.util.List;

/**
 * One materialized view of V40: its name, how often it is refreshed and the views it reads (which
 * are refreshed before it, and whose age it inherits).
 */
public record MaterializedView(String name, Duration interval, List<String> dependsOn) {
    public MaterializedView {
        dependsOn = List.copyOf(dependsOn);
    }
}
