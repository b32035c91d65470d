package dev.classbase.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compares the load journeys' write ledgers (one tab-separated line per acknowledged write:
 * {@code kind tenant user key id}, see bench/src/test/java/.../WriteLedger) with the database: a
 * write the server acknowledged and the database does not hold is <b>lost</b>; one it holds more
 * often than acknowledged is a <b>duplicate</b>. Reads each tenant's rows under its
 * {@code app.tenant_id} (row-level security, V6), so the application's role may run it as well as
 * the owner. {@code bench/ledger-check.sh LEDGER... --url postgresql://...}: exit 0 when nothing is
 * lost or duplicated, 1 when something is, 2 for bad arguments.
 */
public final class LedgerCheck {
    /** One acknowledged write as the ledger has it. */
    public record Entry(String kind, long tenant, long user, String key, String id) {}

    /** A write the database disagrees with: {@code verdict} lost or duplicate. */
    public record Finding(String verdict, Entry entry, long copies) {}

    /** Writes checked per kind, and what was found. */
    public record Result(Map<String, Integer> checked, List<Finding> lost, List<Finding> duplicates) {
        boolean clean() {
            return lost.isEmpty() && duplicates.isEmpty();
        }
    }

    /**
     * Per kind: rows matching each write ({@code copies}) and whether the acknowledged row is among
     * them ({@code holds}); parameters: users, keys, ids (arrays, one element per write) and the tenant.
     */
    private record Kind(String sql, Function<Entry, Long> expectedCopies) {}

    private static final Map<String, Kind> KINDS = Map.of(
            // the Idempotency-Key names the row (unique per user, V75); the acknowledged id must hold it
            "submission",
            new Kind("""
                    select k.n, count(s.id), coalesce(bool_or(s.id = k.id), false)
                    from unnest(cast(? as bigint[]), cast(? as text[]), cast(? as bigint[]))
                         with ordinality as k(user_id, key, id, n)
                    left join submissions as s
                      on s.tenant_id = ? and s.user_id = k.user_id and s.idempotency_key = k.key
                    group by k.n
                    """, e -> 1L),
            "enrollment",
            new Kind("""
                    select k.n, count(e.id), coalesce(bool_or(e.id = k.id), false)
                    from unnest(cast(? as bigint[]), cast(? as text[]), cast(? as bigint[]))
                         with ordinality as k(user_id, key, id, n)
                    left join enrollments as e
                      on e.tenant_id = ? and e.user_id = k.user_id and e.course_id = cast(k.key as bigint)
                    group by k.n
                    """, e -> 1L),
            // one completed row per user and exercise: the service answers a second completion with the first
            "completion",
            new Kind("""
                    select k.n, count(x.id), coalesce(bool_or(x.id = k.id), false)
                    from unnest(cast(? as bigint[]), cast(? as text[]), cast(? as bigint[]))
                         with ordinality as k(user_id, key, id, n)
                    left join user_exercises as x
                      on x.tenant_id = ? and x.user_id = k.user_id and x.exercise_id = cast(k.key as bigint)
                     and x.status = 'completed'
                    group by k.n
                    """, e -> 1L),
            // every event of a batch carries the batch's id in its payload; id = how many were accepted
            "events",
            new Kind("""
                    select k.n, count(a.id), count(a.id) >= k.id
                    from unnest(cast(? as bigint[]), cast(? as text[]), cast(? as bigint[]))
                         with ordinality as k(user_id, key, id, n)
                    left join analytics_events as a
                      on a.tenant_id = ? and a.user_id = k.user_id and a.payload ->> 'ledger' = k.key
                    group by k.n, k.id
                    """, e -> Long.parseLong(e.id())),
            // the last grade acknowledged for a submission is the one it must have
            "grade",
            new Kind("""
                    select k.n, count(s.id), count(s.id) > 0
                    from unnest(cast(? as bigint[]), cast(? as text[]), cast(? as bigint[]))
                         with ordinality as k(user_id, key, id, n)
                    left join submissions as s
                      on s.tenant_id = ? and s.id = k.id and s.status = 'graded' and s.score = cast(k.key as numeric)
                    group by k.n
                    """, e -> 1L));

    private static final int CHUNK = 5_000;

    private LedgerCheck() {}

    /** The ledger files' entries, each write once (a repeated acknowledgement of the same row counts once). */
    public static List<Entry> read(List<Path> files) throws IOException {
        Map<List<Object>, Entry> distinct = new LinkedHashMap<>();
        for (Path file : files) {
            int line = 0;
            for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                String[] f = text.split("\t", -1);
                if (f.length != 5 || !KINDS.containsKey(f[0])) {
                    throw new IllegalArgumentException(file + ":" + line + ": not a ledger line: " + text);
                }
                Entry e = new Entry(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f[3], f[4]);
                // a grade is identified by its submission: the later acknowledgement replaces the earlier
                List<Object> identity = e.kind().equals("grade")
                        ? List.of(e.kind(), e.tenant(), e.id())
                        : List.of(e.kind(), e.tenant(), e.user(), e.key(), e.id());
                distinct.remove(identity);
                distinct.put(identity, e);
            }
        }
        return List.copyOf(distinct.values());
    }

    public static Result check(Connection connection, List<Entry> entries) throws SQLException {
        Map<String, Integer> checked = new TreeMap<>();
        List<Finding> lost = new ArrayList<>();
        List<Finding> duplicates = new ArrayList<>();
        Map<String, Map<Long, List<Entry>>> byKindAndTenant = entries.stream()
                .collect(Collectors.groupingBy(
                        Entry::kind,
                        TreeMap::new,
                        Collectors.groupingBy(Entry::tenant, TreeMap::new, Collectors.toList())));
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            for (var kind : byKindAndTenant.entrySet()) {
                Kind k = KINDS.get(kind.getKey());
                for (var tenant : kind.getValue().entrySet()) {
                    List<Entry> all = tenant.getValue();
                    for (int from = 0; from < all.size(); from += CHUNK) {
                        List<Entry> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
                        compare(connection, k, tenant.getKey(), chunk, lost, duplicates);
                    }
                    checked.merge(kind.getKey(), all.size(), Integer::sum);
                }
            }
        } finally {
            connection.rollback(); // read only; the tenant setting was local to the transaction
            connection.setAutoCommit(autoCommit);
        }
        return new Result(checked, List.copyOf(lost), List.copyOf(duplicates));
    }

    private static void compare(
            Connection c, Kind kind, long tenant, List<Entry> chunk, List<Finding> lost, List<Finding> duplicates)
            throws SQLException {
        try (PreparedStatement set = c.prepareStatement("select set_config('app.tenant_id', ?, true)")) {
            set.setString(1, Long.toString(tenant));
            set.execute();
        }
        Long[] users = chunk.stream().map(Entry::user).toArray(Long[]::new);
        String[] keys = chunk.stream().map(Entry::key).toArray(String[]::new);
        Long[] ids = chunk.stream().map(e -> Long.parseLong(e.id())).toArray(Long[]::new);
        try (PreparedStatement ps = c.prepareStatement(kind.sql())) {
            Array u = c.createArrayOf("bigint", users);
            Array k = c.createArrayOf("text", keys);
            Array i = c.createArrayOf("bigint", ids);
            ps.setArray(1, u);
            ps.setArray(2, k);
            ps.setArray(3, i);
            ps.setLong(4, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Entry e = chunk.get(rs.getInt(1) - 1);
                    long copies = rs.getLong(2);
                    if (!rs.getBoolean(3)) {
                        lost.add(new Finding("lost", e, copies));
                    } else if (copies > kind.expectedCopies().apply(e)) {
                        duplicates.add(new Finding("duplicate", e, copies));
                    }
                }
            }
        }
    }

    /** A JDBC connection for {@code postgresql://user:password@host:port/db} (or a jdbc: URL). */
    static Connection connect(String url) throws SQLException {
        if (url.startsWith("jdbc:")) {
            return DriverManager.getConnection(url);
        }
        URI uri = URI.create(url);
        var props = new java.util.Properties();
        String info = uri.getRawUserInfo();
        if (info != null) {
            String[] up = info.split(":", 2);
            props.setProperty("user", URLDecoder.decode(up[0], StandardCharsets.UTF_8));
            if (up.length == 2) {
                props.setProperty("password", URLDecoder.decode(up[1], StandardCharsets.UTF_8));
            }
        }
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return DriverManager.getConnection(jdbc, props);
    }

    public static void main(String[] args) {
        List<Path> files = new ArrayList<>();
        String url = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--url") && i + 1 < args.length) {
                url = args[++i];
            } else if (args[i].startsWith("--")) {
                System.err.println("ledger-check: unknown option " + args[i]);
                System.exit(2);
            } else {
                files.add(Path.of(args[i]));
            }
        }
        if (url == null || files.isEmpty()) {
            System.err.println("usage: bench/ledger-check.sh LEDGER... --url postgresql://user:password@host:port/db");
            System.exit(2);
        }
        for (Path f : files) {
            if (!Files.isReadable(f)) {
                System.err.println("ledger-check: cannot read " + f);
                System.exit(2);
            }
        }
        try (Connection c = connect(url)) {
            Result r = check(c, read(files));
            System.out.println("checked "
                    + r.checked().values().stream().mapToInt(Integer::intValue).sum()
                    + " acknowledged writes " + r.checked() + ": " + r.lost().size() + " lost, "
                    + r.duplicates().size() + " duplicate");
            for (Finding f : r.lost()) {
                System.out.println("lost      " + describe(f));
            }
            for (Finding f : r.duplicates()) {
                System.out.println("duplicate " + describe(f));
            }
            System.exit(r.clean() ? 0 : 1);
        } catch (IllegalArgumentException e) {
            System.err.println("ledger-check: " + e.getMessage());
            System.exit(2);
        } catch (IOException | SQLException e) {
            System.err.println("ledger-check: " + e.getMessage());
            System.exit(2);
        }
    }

    private static String describe(Finding f) {
        Entry e = f.entry();
        return e.kind() + " tenant " + e.tenant() + " user " + e.user() + " key " + e.key() + " id " + e.id() + ": "
                + f.copies() + " in the database";
    }
}
