package dev.classbase.platform.sessions;

import dev.classbase.data.replicas.ReplicaMonitor;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The session lookup in a read-only transaction, which the data tier sends to a replica in
 * rotation: what {@link SessionService} falls back on while the primary cannot be reached. A bean
 * of its own so that the transaction applies (a call within one bean bypasses its proxy).
 */
@Component
class SessionReplicaLookup {
    private final org.springframework.beans.factory.ObjectProvider<ReplicaMonitor> monitor;

    SessionReplicaLookup(org.springframework.beans.factory.ObjectProvider<ReplicaMonitor> monitor) {
        this.monitor = monitor;
    }

    /** The replica monitor's last poll did not reach the primary, and a replica is there to ask. */
    boolean primaryUnreachable() {
        ReplicaMonitor m = monitor.getIfAvailable();
        return m != null && m.hasReplicas() && m.primaryUnreachable();
    }

    @Transactional(readOnly = true)
    public Optional<SessionService.Session> find(SessionService sessions, boolean operator, byte[] tokenHash) {
        return sessions.lookUp(operator, tokenHash);
    }
}
