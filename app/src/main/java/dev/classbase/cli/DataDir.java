package dev.classbase.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data-dir} option every command that reaches the embedded cluster shares (a picocli mixin). */
final class DataDir {
    @Option(names = "--data-dir", description = "embedded cluster folder (default: $CLASSBASE_DATA_DIR or var/cluster)")
    private Path path;

    /** The folder given, or null for the default ({@code Settings} resolves it). */
    Path path() {
        return path;
    }
}
