package dev.classbase.data.watch;

import java.util.List;

/** Which feature ran a statement: the first frame outside the data tier and the JDBC layers. */
final class Callers {
    private static final String PLATFORM = "dev.classbase.platform.";
    private static final String ROOT = "dev.classbase.";
    private static final List<String> NOT_A_FEATURE = List.of("dev.classbase.data.", "dev.classbase.testsupport.");
    // deep enough for Spring's proxies and servlet filters between a controller and JDBC
    private static final int MAX_FRAMES = 256;

    private Callers() {}

    static String find() {
        List<StackWalker.StackFrame> ours = StackWalker.getInstance()
                .walk(frames -> frames.limit(MAX_FRAMES)
                        .filter(f -> isFeature(f.getClassName()))
                        .toList());
        return ours.stream()
                .filter(f -> f.getClassName().startsWith(PLATFORM))
                .findFirst()
                .or(() -> ours.stream().findFirst())
                .map(f -> f.getClassName() + "." + f.getMethodName() + ":" + f.getLineNumber())
                .orElse("unknown");
    }

    private static boolean isFeature(String className) {
        return className.startsWith(ROOT) && NOT_A_FEATURE.stream().noneMatch(className::startsWith);
    }
}
