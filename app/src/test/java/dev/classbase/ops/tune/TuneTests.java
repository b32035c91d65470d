package dev.classbase.ops.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.ops.tune.TuningInputs.Storage;
import dev.classbase.ops.tune.TuningInputs.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tuning rules at several machine sizes, their clamps, and the units they are written in. */
class TuneTests {

    private static Map<String, String> values(long ram, int cores, Storage storage, int connections, Workload w) {
        return Tuning.recommend(new TuningInputs(ram, cores, storage, connections, w)).stream()
                .collect(Collectors.toMap(Recommendation::name, Recommendation::value));
    }

    @Test
    void referenceMachineMatchesPgTune() {
        Map<String, String> v = values(8 * Units.GB, 4, Storage.SSD, 200, Workload.WEB);
        assertThat(v)
                .containsEntry("shared_buffers", "2GB") // the manual and PGTune: 25 % of 8GB
                .containsEntry("effective_cache_size", "6GB") // PGTune: 75 %
                .containsEntry("maintenance_work_mem", "512MB") // PGTune: RAM / 16
                .containsEntry("work_mem", "10MB") // (8192 - 2048) / 600 = 10.24MB
                .containsEntry("random_page_cost", "1.1")
                .containsEntry("effective_io_concurrency", "200")
                .containsEntry("wal_buffers", "16MB")
                .containsEntry("checkpoint_completion_target", "0.9")
                .containsEntry("min_wal_size", "1GB")
                .containsEntry("max_wal_size", "4GB")
                .containsEntry("max_worker_processes", "8")
                .containsEntry("max_parallel_workers", "4")
                .containsEntry("max_parallel_workers_per_gather", "2")
                .containsEntry("autovacuum_vacuum_scale_factor", "0.05")
                .containsEntry("autovacuum_analyze_scale_factor", "0.02")
                .containsEntry("autovacuum_naptime", "30s")
                .containsEntry("autovacuum_vacuum_cost_limit", "1000")
                .containsEntry("idle_in_transaction_session_timeout", "5min")
                .containsEntry("statement_timeout", "0");
    }

    @Test
    void statisticsLoggingAndReplicationAreTheSameOnEveryMachine() {
        for (Map<String, String> v : List.of(
                values(8 * Units.GB, 4, Storage.SSD, 200, Workload.WEB),
                values(Units.GB, 2, Storage.HDD, 100, Workload.MIXED))) {
            assertThat(v)
                    .containsEntry("shared_preload_libraries", "'pg_stat_statements,auto_explain'")
                    .containsEntry("auto_explain.log_min_duration", "-1") // loaded, off until asked
                    .containsEntry("pg_stat_statements.track", "all")
                    .containsEntry("track_io_timing", "on")
                    .containsEntry("log_min_duration_statement", "1s")
                    .containsEntry("log_lock_waits", "on")
                    .containsEntry("wal_level", "replica")
                    .containsEntry("max_wal_senders", "10")
                    .containsEntry("max_replication_slots", "10")
                    .containsEntry("hot_standby_feedback", "on");
        }
        assertThat(Tuning.of(TuningInputs.REFERENCE, "shared_preload_libraries").rule())
                .contains("(restart)");
    }

    @Test
    void smallHddMachineClampsWorkMemUpToTheDefault() {
        Map<String, String> v = values(Units.GB, 2, Storage.HDD, 100, Workload.WEB);
        assertThat(v)
                .containsEntry("shared_buffers", "256MB")
                .containsEntry("effective_cache_size", "768MB")
                .containsEntry("work_mem", "4MB") // 768MB / 300 = 2.56MB, below the 4MB floor
                .containsEntry("maintenance_work_mem", "64MB") // 1GB / 16 = 64MB
                .containsEntry("random_page_cost", "4.0")
                .containsEntry("effective_io_concurrency", "2")
                .containsEntry("wal_buffers", "8MB") // 256MB / 32
                .containsEntry("max_worker_processes", "8")
                .containsEntry("max_parallel_workers", "2")
                .containsEntry("max_parallel_workers_per_gather", "1")
                .containsEntry("autovacuum_max_workers", "3")
                .containsEntry("autovacuum_vacuum_cost_limit", "200");
    }

    @Test
    void bigMachineUsesItsCoresAndCapsMaintenanceMemory() {
        Map<String, String> v = values(64 * Units.GB, 16, Storage.SSD, 200, Workload.WEB);
        assertThat(v)
                .containsEntry("shared_buffers", "16GB")
                .containsEntry("effective_cache_size", "48GB")
                .containsEntry("work_mem", "81MB") // 48GB / 600 = 81.92MB, rounded down
                .containsEntry("maintenance_work_mem", "2GB") // 64GB / 16 = 4GB, capped
                .containsEntry("wal_buffers", "16MB") // 16GB / 32 = 512MB, capped at one WAL segment
                .containsEntry("max_worker_processes", "16")
                .containsEntry("max_parallel_workers", "16")
                .containsEntry("max_parallel_workers_per_gather", "4")
                .containsEntry("max_parallel_maintenance_workers", "4")
                .containsEntry("autovacuum_max_workers", "6");
    }

    @Test
    void workMemIsClampedAboveAndHalvedForMixedWorkloads() {
        assertThat(values(256 * Units.GB, 32, Storage.SSD, 10, Workload.WEB)).containsEntry("work_mem", "256MB");
        assertThat(values(8 * Units.GB, 4, Storage.SSD, 200, Workload.MIXED)).containsEntry("work_mem", "5MB");
        assertThat(Tuning.of(new TuningInputs(8 * Units.GB, 4, Storage.SSD, 200, Workload.MIXED), "work_mem")
                        .rule())
                .contains("/ 2 for mixed", "clamped");
    }

    @Test
    void everySettingHasARuleAndASourceAndAppearsOnce() {
        List<Recommendation> all = Tuning.recommend(TuningInputs.REFERENCE);
        assertThat(all).extracting(Recommendation::name).doesNotHaveDuplicates();
        assertThat(all).allSatisfy(r -> {
            assertThat(r.rule()).isNotBlank();
            assertThat(r.source()).isNotBlank();
        });
        assertThat(Tuning.of(TuningInputs.REFERENCE, "shared_buffers").source()).contains("manual", "PGTune");
    }

    @Test
    void inputsAreValidatedNamingTheOption() {
        assertThatThrownBy(() -> new TuningInputs(100 * Units.MB, 2, Storage.SSD, 100, Workload.WEB))
                .hasMessageContaining("--ram");
        assertThatThrownBy(() -> new TuningInputs(Units.GB, 0, Storage.SSD, 100, Workload.WEB))
                .hasMessageContaining("--cores");
        assertThatThrownBy(() -> new TuningInputs(Units.GB, 2, Storage.SSD, 0, Workload.WEB))
                .hasMessageContaining("--max-connections");
        assertThatThrownBy(() -> Storage.parse("nvme")).hasMessageContaining("ssd, hdd");
        assertThatThrownBy(() -> Workload.parse("olap")).hasMessageContaining("web, mixed");
        assertThat(Storage.parse("HDD")).isEqualTo(Storage.HDD);
    }

    @Test
    void sizesParseAndFormatInPostgresUnits() {
        assertThat(Units.parseSize("--ram", "8GB")).isEqualTo(8 * Units.GB);
        assertThat(Units.parseSize("--ram", "8g")).isEqualTo(8 * Units.GB);
        assertThat(Units.parseSize("--ram", "512MB")).isEqualTo(512 * Units.MB);
        assertThat(Units.parseSize("--ram", "1.5GB")).isEqualTo(1536 * Units.MB);
        assertThat(Units.parseSize("--ram", "1TB")).isEqualTo(Units.TB);
        assertThatThrownBy(() -> Units.parseSize("--ram", "8")).hasMessageContaining("needs a unit");
        assertThatThrownBy(() -> Units.parseSize("--ram", "-8GB")).hasMessageContaining("positive");
        assertThatThrownBy(() -> Units.parseSize("--ram", "8XB")).hasMessageContaining("kB, MB, GB, TB");
        assertThatThrownBy(() -> Units.parseSize("--ram", "lots")).hasMessageContaining("--ram");

        assertThat(Units.formatBytes(2 * Units.GB)).isEqualTo("2GB");
        assertThat(Units.formatBytes(1536 * Units.MB)).isEqualTo("1536MB");
        assertThat(Units.formatBytes(8000 * Units.KB)).isEqualTo("8000kB");
        assertThat(Units.formatMillis(300_000)).isEqualTo("5min");
        assertThat(Units.formatMillis(30_000)).isEqualTo("30s");
        assertThat(Units.formatMillis(1_500)).isEqualTo("1500ms");
    }

    @Test
    void pgSettingsValuesAreReadInTheirUnit() {
        assertThat(Units.fromSetting("262144", "8kB")).isEqualTo("2GB"); // shared_buffers in pages
        assertThat(Units.fromSetting("4096", "kB")).isEqualTo("4MB"); // work_mem
        assertThat(Units.fromSetting("1024", "MB")).isEqualTo("1GB"); // min_wal_size
        assertThat(Units.fromSetting("60", "s")).isEqualTo("1min"); // autovacuum_naptime
        assertThat(Units.fromSetting("300000", "ms")).isEqualTo("5min");
        assertThat(Units.fromSetting("-1", "8kB")).isEqualTo("-1"); // wal_buffers: auto
        assertThat(Units.fromSetting("1.1", null)).isEqualTo("1.1");

        assertThat(Units.same("4.0", "4")).isTrue();
        assertThat(Units.same("1GB", "1024MB")).isTrue();
        assertThat(Units.same("1min", "60s")).isTrue();
        assertThat(Units.same("0", "0")).isTrue();
        assertThat(Units.same("1.1", "4")).isFalse();
        // lists: postgresql.conf quotes them, pg_settings does not
        assertThat(Units.same("pg_stat_statements,auto_explain", "'pg_stat_statements, auto_explain'"))
                .isTrue();
        assertThat(Units.same("pg_stat_statements", "'pg_stat_statements,auto_explain'"))
                .isFalse();
        assertThat(Units.fromSetting("-1", "ms")).isEqualTo("-1"); // auto_explain.log_min_duration: off
        assertThat(Units.fromSetting("1000", "ms")).isEqualTo("1s");
    }

    @Test
    void thisMachineReadsMeminfoAndTheContainerLimit(@TempDir Path dir) throws IOException {
        Path meminfo = dir.resolve("meminfo");
        Files.writeString(meminfo, "MemTotal:       16318604 kB\nMemFree:         1000 kB\n");
        assertThat(ThisMachine.memTotal(meminfo)).contains(16318604L * Units.KB);
        assertThat(ThisMachine.memTotal(dir.resolve("missing"))).isEmpty();

        Path max = dir.resolve("memory.max");
        Files.writeString(max, "max\n");
        assertThat(ThisMachine.cgroupLimit(max)).isEmpty();
        Files.writeString(max, "4294967296\n");
        assertThat(ThisMachine.cgroupLimit(max)).contains(4 * Units.GB);

        assertThat(ThisMachine.ramBytes()).isPositive();
        assertThat(ThisMachine.cores()).isPositive();
    }
}
