package dev.classbase.bench.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The sessions of a sign-in pass, {@code email,token} per line under a header, readable by its owner
 * only (a token is a credential). The file is created when the first token is added, so a journey run
 * that signs nobody in leaves none.
 */
final class SignedInSessions implements AutoCloseable {
    private final Path file;
    private BufferedWriter out;

    SignedInSessions(Path file) {
        this.file = file;
    }

    synchronized void add(String email, String token) {
        try {
            if (out == null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.deleteIfExists(file);
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                out.write("email,token\n");
            }
            out.write(email + ',' + token + '\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
