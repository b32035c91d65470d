package dev.classbase.ops.queries;

import dev.classbase.data.JdbcUrls;
import dev.classbase.data.pool.Pools;
import dev.classbase.ops.kernel.BoundedRead;
import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * One diagnostic read on every server: the primary through the console's own connections, each
 * replica through its analytics pool (the one the history's snapshots use, off the request pools),
 * each bounded and rolled back like every console read. Reads are routed to the replicas and
 * counted there, so a statement list of the primary alone misses them. A replica that does not
 * answer is named with why, and the others still answer.
 */
@Component
final class EveryServer {
    /** What one server answered, or why it did not. */
    record Answer<T>(String server, T value, String note) {
        boolean answered() {
            return note == null;
        }
    }

    private final ConsoleDatabase db;
    private final ConsoleProperties props;
    private final Map<String, DataSource> replicas;

    EveryServer(ConsoleDatabase db, ConsoleProperties props, Pools pools) {
        this.db = db;
        this.props = props;
        this.replicas = new LinkedHashMap<>(pools.analyticsReplicas());
    }

    /** The work on the primary, then on each replica in their configured order. */
    <T> List<Answer<T>> read(BoundedRead.Work<T> work) throws SQLException {
        List<Answer<T>> answers = new ArrayList<>();
        // the primary's failure is the request's: the console answers 503 as for any other read
        answers.add(new Answer<>(HistorySnapshot.PRIMARY, db.readOnly(props.checkTimeout(), work::run), null));
        for (Map.Entry<String, DataSource> replica : replicas.entrySet()) {
            try {
                answers.add(new Answer<>(
                        replica.getKey(), BoundedRead.run(replica.getValue(), props.checkTimeout(), work), null));
            } catch (SQLException e) {
                answers.add(new Answer<>(
                        replica.getKey(), null, "did not answer: " + JdbcUrls.mask(String.valueOf(e.getMessage()))));
            }
        }
        return answers;
    }
}
