package dev.classbase.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The data tier's packages depend on each other in one direction only: a cycle between two
 * concerns (routing and replicas, say) makes neither understandable, testable or movable alone.
 * Read from the sources: imports and fully qualified names.
 */
class DataTierPackagesTests {
    private static final Path ROOT = Path.of("src", "main", "java", "dev", "classbase", "data");
    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.classbase\\.data(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void noPackageOfTheDataTierDependsOnItselfThroughAnother() throws IOException {
        Map<String, Set<String>> uses = uses();
        assertThat(uses).containsKeys("dev.classbase.data", "dev.classbase.data.routing", "dev.classbase.data.pool");
        List<List<String>> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            List<String> cycle = cycleFrom(start, start, uses, new ArrayList<>(List.of(start)), new TreeSet<>());
            if (cycle != null) {
                cycles.add(cycle);
            }
        }
        assertThat(cycles).as("package cycles, with the imports: %s", uses).isEmpty();
    }

    private static List<String> cycleFrom(
            String start, String at, Map<String, Set<String>> uses, List<String> path, Set<String> seen) {
        for (String next : uses.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> found = cycleFrom(start, next, uses, path, seen);
                if (found != null) {
                    return found;
                }
                path.removeLast();
            }
        }
        return null;
    }

    /** Package to the other data-tier packages its main sources name. */
    private static Map<String, Set<String>> uses() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher declared = Pattern.compile("(?m)^package ([\\w.]+);").matcher(source);
                assertThat(declared.find()).as("package of %s", file).isTrue();
                String own = declared.group(1);
                Set<String> named = uses.computeIfAbsent(own, p -> new LinkedHashSet<>());
                Matcher reference = REFERENCE.matcher(source);
                while (reference.find()) {
                    if (!reference.group(1).equals(own)) {
                        named.add(reference.group(1));
                    }
                }
            }
        }
        return uses;
    }
}
