package dev.classbase.ops.space;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The answers of space history (V61's space_history), one record per row shape. */
final class SpaceGrowth {
    private SpaceGrowth() {}

    /** One day of the window: bytes of tables, indexes and materialized views (null: none recorded). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DayTotal(String day, Long tableBytes, Long indexBytes, Long viewBytes, Long totalBytes) {}

    /** One relation over the window: its first and last recorded size and the growth between them. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Relation(
            String kind,
            String schema,
            String name,
            String tableName,
            String firstDay,
            String lastDay,
            Integer days,
            Long firstBytes,
            Long lastBytes,
            Long growthBytes) {}
}
