package dev.classbase.ops.views;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The materialized views of V40 in dependency order: a view comes after every view it reads, so a
 * pass in list order never copies rows from a view older than the one being refreshed. The order
 * is checked once, here.
 */
public final class ViewRegistry {
    private record Definition(String name, List<String> dependsOn) {}

    private static final List<Definition> DEFINITIONS = List.of(
            new Definition("mv_daily_active_users", List.of()),
            new Definition("mv_content_metrics", List.of()),
            new Definition("mv_user_learning_summary", List.of()),
            new Definition("mv_course_analytics", List.of()),
            new Definition("mv_daily_platform_metrics", List.of("mv_daily_active_users")),
            new Definition("mv_instructor_performance", List.of("mv_course_analytics")));

    /** The names and dependencies, before intervals are known. */
    static final ViewRegistry STANDARD = new ViewRegistry(DEFINITIONS.stream()
            .map(d -> new MaterializedView(d.name(), Duration.ofHours(1), d.dependsOn()))
            .toList());

    private final List<MaterializedView> views;

    private ViewRegistry(List<MaterializedView> views) {
        Set<String> seen = new HashSet<>();
        for (MaterializedView v : views) {
            for (String dependency : v.dependsOn()) {
                if (!seen.contains(dependency)) {
                    throw new IllegalStateException(
                            v.name() + " reads " + dependency + ", which is not listed before it");
                }
            }
            seen.add(v.name());
        }
        this.views = List.copyOf(views);
    }

    /** The views with the intervals of {@code properties}. */
    public static ViewRegistry of(ViewProperties properties) {
        List<MaterializedView> views = new ArrayList<>();
        for (Definition d : DEFINITIONS) {
            views.add(new MaterializedView(d.name(), properties.intervalOf(d.name()), d.dependsOn()));
        }
        return new ViewRegistry(views);
    }

    /** In dependency order. */
    public List<MaterializedView> views() {
        return views;
    }

    public List<String> names() {
        return views.stream().map(MaterializedView::name).toList();
    }

    /** By name, with or without the {@code mv_} prefix. */
    public Optional<MaterializedView> find(String name) {
        String wanted = ViewProperties.viewName(name);
        return views.stream().filter(v -> v.name().equals(wanted)).findFirst();
    }
}
