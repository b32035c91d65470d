package dev.classbase.ops.replication;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A row of pg_replication_slots and the WAL it holds back on the primary ({@code retained_bytes};
 * null for a slot that never reserved WAL).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ReplicationSlot(
        String slotName,
        String slotType,
        String database,
        Boolean active,
        Integer activePid,
        String walStatus,
        String restartLsn,
        Long retainedBytes,
        Long safeWalSize) {}
