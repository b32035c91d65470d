package dev.classbase.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the classbase command line in a child JVM, as a user would (same class path as the tests),
 * with the environment the test chooses.
 */
public final class Cli {
    private Cli() {}

    public record Result(int exitCode, String stdout, String stderr, Duration took) {
        public String output() {
            return stdout + stderr;
        }
    }

    /** Runs the command line in this JVM, as the launcher would, and captures what it prints. */
    public static synchronized Result inProcess(String... args) {
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        long started = System.nanoTime();
        try {
            System.setOut(new java.io.PrintStream(stdout, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(stderr, true, java.nio.charset.StandardCharsets.UTF_8));
            int code = dev.classbase.cli.ClassbaseCommand.run(args);
            return new Result(
                    code,
                    stdout.toString(java.nio.charset.StandardCharsets.UTF_8),
                    stderr.toString(java.nio.charset.StandardCharsets.UTF_8),
                    Duration.ofNanos(System.nanoTime() - started));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    public static Result run(Map<String, String> env, Duration timeout, String... args) {
        return runWithInput(env, timeout, null, args);
    }

    /** As {@link #run}, with {@code input} written to the command's standard input (then closed). */
    public static Result runWithInput(Map<String, String> env, Duration timeout, String input, String... args) {
        Path out = temp("out");
        Path err = temp("err");
        long started = System.nanoTime();
        Process p = start(env, out, err, args);
        try (var stdin = p.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("classbase " + String.join(" ", args) + " did not finish within " + timeout
                        + "\nstdout:\n" + read(out) + "\nstderr:\n" + read(err));
            }
            return new Result(p.exitValue(), read(out), read(err), Duration.ofNanos(System.nanoTime() - started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts a long-running command (serve); output goes to the given files. */
    public static Process start(Map<String, String> env, Path out, Path err, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.classbase.Classbase");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().keySet().removeIf(k -> k.startsWith("CLASSBASE_"));
        builder.environment().putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path temp(String suffix) {
        try {
            Path dir = Path.of("target", "cli-output");
            Files.createDirectories(dir);
            return Files.createTempFile(dir, "cli", "." + suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public static String classpathSeparator() {
        return File.pathSeparator;
    }
}
