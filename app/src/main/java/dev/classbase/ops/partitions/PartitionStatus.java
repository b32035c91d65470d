package dev.classbase.ops.partitions;

import java.time.OffsetDateTime;
import java.util.List;

/** One partitioned table as it stands: its partitions and what sits in its default partition. */
public record PartitionStatus(
        String table, String strategy, List<Partition> partitions, String defaultPartition, Long defaultRows) {

    /** A partition; {@code from}/{@code to} only for monthly (range) ones, estimatedRows null before ANALYZE. */
    public record Partition(
            String name, String bound, OffsetDateTime from, OffsetDateTime to, long bytes, Long estimatedRows) {}

    public long bytes() {
        return partitions.stream().mapToLong(Partition::bytes).sum();
    }

    public long estimatedRows() {
        return partitions.stream()
                .mapToLong(p -> p.estimatedRows() == null ? 0 : p.estimatedRows())
                .sum();
    }
}
