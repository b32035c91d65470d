package dev.classbase.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis (the OS package's redis-server) on a free port of 127.0.0.1, keeping nothing on
 * disk, stopped by {@link #close}. Never the machine's own Redis on 6379.
 */
public final class RedisProcess implements AutoCloseable {
    private static final Path REDIS = Path.of("/usr/bin/redis-server");
    private final Process process;
    private final int port;
    private final Path dir;

    private RedisProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static RedisProcess start() {
        if (!Files.isExecutable(REDIS)) {
            throw new AssertionError(
                    "redis-server is not installed (apt-get install redis-server; ./classbase test does it)");
        }
        try {
            int port = LocalPorts.free();
            Path dir = Files.createTempDirectory("classbase-redis");
            Process process = new ProcessBuilder(List.of(
                            REDIS.toString(),
                            "--bind",
                            "127.0.0.1",
                            "--port",
                            Integer.toString(port),
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--dir",
                            dir.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
            RedisProcess redis = new RedisProcess(process, port, dir);
            if (Await.until(Duration.ofSeconds(20), () -> LocalPorts.accepts(port) ? Boolean.TRUE : null) == null) {
                String log = Files.readString(dir.resolve("redis.log"));
                redis.close();
                throw new AssertionError("redis-server did not start:\n" + log);
            }
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Stops the server (the test that started it does this). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
