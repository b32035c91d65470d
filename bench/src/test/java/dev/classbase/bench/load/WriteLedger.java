package dev.classbase.bench.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Every write the server acknowledged, one tab-separated line each: {@code kind tenant user key id},
 * where kind is {@code submission} (key: the Idempotency-Key, id: the submission), {@code enrollment}
 * (key: the course, id: the enrollment), {@code completion} (key: the exercise, id: the user's
 * exercise row), {@code events} (key: the batch's id in each payload, id: how many were accepted) or
 * {@code grade} (key: the score, id: the submission). One file per load generator JVM; the ledger
 * checker (bench/ledger-check.sh) compares it with the database after the run.
 */
final class WriteLedger implements AutoCloseable {
    private final BufferedWriter out;

    WriteLedger(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            out = Files.newBufferedWriter(
                    file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void acknowledged(String kind, long tenant, long user, String key, String id) {
        try {
            out.write(kind + '\t' + tenant + '\t' + user + '\t' + key + '\t' + id + '\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
