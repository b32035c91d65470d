package dev.classbase.ops.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disk usage is measured only for a data directory proved to be the server's own. */
class DiskUsageTests {
    @Test
    void aDirectoryNotOnThisHostIsNotAvailable() {
        Reading r = DiskUsage.of(new SignalQueries.DataDirectory("/nonexistent/pgdata", 5432, 1_700_000_000L));
        assertThat(r.available()).isFalse();
        assertThat(r.note()).startsWith("not available").contains("not on this host");
    }

    @Test
    void withoutTheRightToReadTheSettingItSaysHowToGrantIt() {
        Reading r = DiskUsage.of(new SignalQueries.DataDirectory(null, 5432, 1_700_000_000L));
        assertThat(r.note()).contains("pg_monitor");
    }

    @Test
    void aSameNamedDirectoryOfAnotherServerIsNotMeasured(@TempDir Path dir) throws Exception {
        // postmaster.pid: pid, data directory, start time (epoch), port, ...
        Files.writeString(dir.resolve("postmaster.pid"), "4242\n" + dir + "\n1700000000\n5433\n/tmp\n");
        Reading other = DiskUsage.of(new SignalQueries.DataDirectory(dir.toString(), 5432, 1_700_000_000L));
        assertThat(other.available()).isFalse();
        assertThat(other.note()).contains("another server");

        Reading own = DiskUsage.of(new SignalQueries.DataDirectory(dir.toString(), 5433, 1_700_000_001L));
        assertThat(own.available()).as(String.valueOf(own.note())).isTrue();
        assertThat(own.value()).isBetween(0.0, 100.0);
    }
}
