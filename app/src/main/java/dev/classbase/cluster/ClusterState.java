package dev.classbase.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * What the cluster remembers between runs, in {@code cluster.properties} (mode 0600): the ports it
 * last used and the generated passwords of its roles. Passwords are never printed.
 */
final class ClusterState {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path file;
    private final Properties props = new Properties();

    private ClusterState(Path file) {
        this.file = file;
    }

    static ClusterState load(Path dir) {
        ClusterState state = new ClusterState(dir.resolve("cluster.properties"));
        if (Files.exists(state.file)) {
            try (Reader reader = Files.newBufferedReader(state.file)) {
                state.props.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return state;
    }

    boolean exists() {
        return Files.exists(file);
    }

    String password(String role) {
        String key = "password." + role;
        String value = props.getProperty(key);
        if (value == null) {
            byte[] bytes = new byte[24];
            RANDOM.nextBytes(bytes);
            value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            props.setProperty(key, value);
        }
        return value;
    }

    int port(String server, int fallback) {
        String value = props.getProperty("port." + server);
        return value == null ? fallback : Integer.parseInt(value);
    }

    boolean hasPort(String server) {
        return props.containsKey("port." + server);
    }

    void setPort(String server, int port) {
        props.setProperty("port." + server, Integer.toString(port));
    }

    void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("cluster.properties.tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer writer = Files.newBufferedWriter(tmp)) {
                props.store(writer, "classbase embedded cluster: ports and generated passwords (keep private)");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
