package dev.classbase.cluster;

import java.nio.file.Path;

/**
 * How to run the embedded cluster.
 *
 * @param dir the folder holding cluster.properties, the primary and the replicas
 * @param replicas how many streaming replicas (0 to 3)
 * @param durable fsync and synchronous_commit on; off only for throwaway test clusters
 */
public record ClusterConfig(Path dir, int replicas, boolean durable) {
    public static final int MAX_REPLICAS = 3;

    public ClusterConfig {
        if (replicas < 0 || replicas > MAX_REPLICAS) {
            throw new ClusterException("replicas must be between 0 and " + MAX_REPLICAS + ", got " + replicas);
        }
        dir = dir.toAbsolutePath().normalize();
    }

    public static ClusterConfig of(Path dir, int replicas) {
        return new ClusterConfig(dir, replicas, true);
    }
}
