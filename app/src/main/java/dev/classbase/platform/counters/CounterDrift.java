package dev.classbase.platform.counters;

import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Proves the counter caches: how far each is from the real count, and a repair that sets them
 * right in batches of parents, one short transaction each, safe while the server writes. Runs as
 * the owner (every tenant's rows; row-level security does not apply to it).
 */
public final class CounterDrift {
    /** One counter's state. */
    public record Drift(CounterQueries.Counter counter, long parents, long drifted, long offBy) {
        public boolean exact() {
            return drifted == 0;
        }
    }

    private record Key(long tenantId, long id) {}

    private static String arrayLiteral(java.util.stream.LongStream values) {
        StringBuilder text = new StringBuilder("{");
        values.forEach(v -> text.append(text.length() > 1 ? "," : "").append(v));
        return text.append('}').toString();
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    public CounterDrift(DataSource owner) {
        this.jdbc = JdbcClient.create(owner);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(owner));
    }

    public List<Drift> check() {
        List<Drift> result = new ArrayList<>();
        for (CounterQueries.Counter counter : CounterQueries.ALL) {
            result.add(check(counter));
        }
        return result;
    }

    public Drift check(CounterQueries.Counter counter) {
        return jdbc.sql(CounterQueries.drift(counter))
                .query((rs, n) ->
                        new Drift(counter, rs.getLong("parents"), rs.getLong("drifted"), rs.getLong("off_by")))
                .single();
    }

    /** Sets every parent of {@code counter} to its real count, {@code batch} parents per transaction; returns rows fixed. */
    public long repair(CounterQueries.Counter counter, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, was " + batch);
        }
        Key after = new Key(Long.MIN_VALUE, Long.MIN_VALUE);
        long fixed = 0;
        while (true) {
            Key from = after;
            long[] outcome = transactions.execute(status -> {
                List<Key> keys = jdbc.sql(CounterQueries.lockBatch(counter))
                        .param("tenantId", from.tenantId())
                        .param("id", from.id())
                        .param("batch", batch)
                        .query((rs, n) -> new Key(rs.getLong(1), rs.getLong(2)))
                        .list();
                if (keys.isEmpty()) {
                    return null;
                }
                Key last = keys.get(keys.size() - 1);
                int rows = jdbc.sql(CounterQueries.repairLocked(counter))
                        .param("tenantIds", arrayLiteral(keys.stream().mapToLong(Key::tenantId)))
                        .param("ids", arrayLiteral(keys.stream().mapToLong(Key::id)))
                        .update();
                return new long[] {rows, last.tenantId(), last.id(), keys.size()};
            });
            if (outcome == null) {
                return fixed;
            }
            fixed += outcome[0];
            after = new Key(outcome[1], outcome[2]);
            if (outcome[3] < batch) {
                return fixed;
            }
        }
    }
}
