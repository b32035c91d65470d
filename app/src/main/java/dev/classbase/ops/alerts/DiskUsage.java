package dev.classbase.ops.alerts;

import dev.classbase.ops.space.DataDirectoryDisk;

/** The disk signal: {@link DataDirectoryDisk}'s measurement of the server's data directory, as a reading. */
final class DiskUsage {
    private DiskUsage() {}

    static Reading of(SignalQueries.DataDirectory dir) {
        DataDirectoryDisk.Measurement m = DataDirectoryDisk.measure(dir.path(), dir.port(), dir.startedEpochSeconds());
        if (!m.available()) {
            return Reading.unavailable(Rule.DISK, m.notAvailable());
        }
        return Reading.of(Rule.DISK, m.usedPercent(), m.path() + " (" + m.filesystem() + ")");
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
