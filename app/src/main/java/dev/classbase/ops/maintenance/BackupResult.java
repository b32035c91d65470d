package dev.classbase.ops.maintenance;

import java.nio.file.Path;

/**
 * A backup and its restore check. {@code method}: "pg_dump" (custom format) or "base backup"
 * (a copy of the data directory with the WAL to make it consistent); {@code why} says why that
 * method; {@code check} what the restore check compared.
 */
public record BackupResult(String method, String why, Path path, long bytes, boolean checkPassed, String check) {}
