package dev.classbase.data.replicas;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import javax.sql.DataSource;

/** What the servers say about replication; one statement per question, bounded by a timeout. */
public final class ReplicationQueries {
    private ReplicationQueries() {}

    public record ServerInfo(String version, boolean inRecovery, String currentLsn) {}

    public record ReplicaInfo(
            boolean inRecovery,
            String receiveLsn,
            String replayLsn,
            OffsetDateTime lastReplayAt,
            String receiverStatus,
            Long lagBytes,
            Double lagSeconds) {}

    /** Version, recovery state and current WAL position of a server. */
    public static ServerInfo server(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        SELECT current_setting('server_version'), pg_is_in_recovery(),
                               CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text
                        """)) {
            ps.setQueryTimeout(2);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new ServerInfo(rs.getString(1), rs.getBoolean(2), rs.getString(3));
            }
        }
    }

    /**
     * A replica's receive and replay positions, and its lag behind {@code primaryLsn}: in bytes, and in
     * seconds since the last replayed commit (0 when it has replayed all it received).
     */
    /** How far a replica has replayed now: one catalog function, no table (null when not a replica). */
    public static String replayLsn(DataSource ds) throws SQLException {
        try (var connection = ds.getConnection();
                var statement = connection.createStatement();
                var rs = statement.executeQuery("SELECT pg_last_wal_replay_lsn()::text")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    public static ReplicaInfo replica(DataSource ds, String primaryLsn) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        SELECT pg_is_in_recovery(),
                               pg_last_wal_receive_lsn()::text,
                               pg_last_wal_replay_lsn()::text,
                               pg_last_xact_replay_timestamp(),
                               (SELECT status FROM pg_stat_wal_receiver),
                               CASE WHEN ?::pg_lsn IS NULL OR pg_last_wal_replay_lsn() IS NULL THEN NULL
                                    ELSE greatest(pg_wal_lsn_diff(?::pg_lsn, pg_last_wal_replay_lsn()), 0)::bigint END,
                               -- behind only while WAL it received waits to be replayed; after a restart the
                               -- receive position restarts at a segment start, below replay: not lag
                               CASE WHEN pg_last_wal_receive_lsn() IS NULL
                                         OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
                                    ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END::float8
                        """)) {
            ps.setQueryTimeout(2);
            ps.setString(1, primaryLsn);
            ps.setString(2, primaryLsn);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long lagBytes = rs.getLong(6);
                Long bytes = rs.wasNull() ? null : lagBytes;
                double lagSeconds = rs.getDouble(7);
                Double seconds = rs.wasNull() ? null : lagSeconds;
                return new ReplicaInfo(
                        rs.getBoolean(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class),
                        rs.getString(5),
                        bytes,
                        seconds);
            }
        }
    }
}
