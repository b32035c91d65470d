package dev.classbase.ops.indexes;

import dev.classbase.ops.indexes.CandidateParser.ColumnUse;
import dev.classbase.ops.indexes.CandidateParser.Parsed;
import dev.classbase.ops.indexes.CandidateParser.TableRef;
import dev.classbase.ops.kernel.BoundedRead;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The index advisor (after Dexter): reads the heaviest statements from pg_stat_statements, finds
 * candidate columns per table ({@link CandidateParser}, {@link Candidates}), drops what an existing
 * index of any method covers, and, with HypoPG, keeps a candidate only when the planner uses it as
 * a hypothetical index and the statement's estimated cost falls by at least {@code minCutPercent}.
 * Without HypoPG the suggestions are heuristic and marked {@code validated: false}.
 *
 * <p>Every statement is examined in its own read-only transaction with {@code SET LOCAL
 * statement_timeout} and rolled back; HypoPG works there (its indexes live in the session's memory,
 * nothing is written), and since they outlive a rollback, {@code hypopg_reset()} runs after each one.
 */
public final class Advisor {
    private final DataSource dataSource;
    private final AdvisorProperties settings;
    private final HypoPg hypopg;

    public Advisor(DataSource dataSource, AdvisorProperties settings) {
        this(dataSource, settings, new HypoPg());
    }

    private Advisor(DataSource dataSource, AdvisorProperties settings, HypoPg hypopg) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.hypopg = hypopg;
    }

    /** The same advisor (and its cached HypoPG answer) with other bounds. */
    public Advisor with(AdvisorProperties other) {
        return new Advisor(dataSource, other, hypopg);
    }

    public AdvisorProperties settings() {
        return settings;
    }

    public SuggestionReport suggest() throws SQLException {
        return suggest(List.of());
    }

    /**
     * With {@code logged}: statements with their literal values from the server's log ({@link
     * ServerLog}), examined after pg_stat_statements' and with custom plans, so a filter on a rare
     * value is judged as it ran. They are examined even when pg_stat_statements is missing.
     */
    public SuggestionReport suggest(List<Suggestion.Statement> logged) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                return suggest(c, logged);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    private static final String NO_STATEMENTS =
            "not available: the pg_stat_statements extension is not created in this database; enable it:"
                    + " add pg_stat_statements to shared_preload_libraries, restart, then CREATE EXTENSION"
                    + " pg_stat_statements (as a superuser)";

    private SuggestionReport suggest(Connection c, List<Suggestion.Statement> logged) throws SQLException {
        begin(c);
        boolean statements = single(c, AdvisorQueries.statementsInstalled());
        if (!statements && logged.isEmpty()) {
            return new SuggestionReport(
                    false,
                    false,
                    NO_STATEMENTS,
                    settings.minCutPercent(),
                    0,
                    List.of(),
                    List.of(),
                    List.of(),
                    0,
                    List.of());
        }
        HypoPg.Feature hypo = hypopg.feature(c);
        List<Suggestion.Statement> top = statements ? topStatements(c) : List.of();
        c.rollback();

        Map<String, CandidateTable> tables = new HashMap<>();
        List<Suggestion> found = new ArrayList<>();
        List<SuggestionReport.Skipped> skipped = new ArrayList<>();
        Set<SuggestionReport.Covered> covered = new java.util.LinkedHashSet<>();
        List<SuggestionReport.Skewed> skewed = new ArrayList<>();
        Map<String, Optional<ColumnSkew>> skewCache = new HashMap<>();
        List<Suggestion.Statement> all = new ArrayList<>(top);
        all.addAll(logged);
        for (Suggestion.Statement s : all) {
            Parsed parsed = CandidateParser.parse(s.query());
            if (!parsed.single()) {
                continue;
            }
            try {
                begin(c);
                Map<CandidateTable, List<ColumnUse>> uses = uses(c, parsed, tables);
                Map<CandidateTable, List<Candidate>> candidates = candidates(uses, covered);
                List<Suggestion> mine = candidates.isEmpty() ? List.of() : examine(c, s, candidates, hypo.available());
                found.addAll(mine);
                if (!s.fromLog()) {
                    skewed.addAll(skewed(c, s, uses, mine, skewCache));
                }
            } catch (SQLException e) {
                skipped.add(new SuggestionReport.Skipped(s.queryId(), e.getMessage()));
            } finally {
                cleanUp(c, hypo.available());
            }
        }
        begin(c);
        List<Suggestion> merged = named(c, merge(found));
        String note = statements ? hypo.note() : NO_STATEMENTS + (hypo.note() == null ? "" : "; HypoPG " + hypo.note());
        return new SuggestionReport(
                statements,
                hypo.available(),
                note,
                settings.minCutPercent(),
                all.size(),
                merged,
                List.copyOf(covered),
                skipped,
                logged.size(),
                List.copyOf(skewed));
    }

    /**
     * The statement's {@code col = $n} filters on skewed columns ({@link ColumnSkew}) that no
     * suggestion for it indexes: the generic plan judged them at an average value's share.
     */
    private static List<SuggestionReport.Skewed> skewed(
            Connection c,
            Suggestion.Statement s,
            Map<CandidateTable, List<ColumnUse>> uses,
            List<Suggestion> suggested,
            Map<String, Optional<ColumnSkew>> cache)
            throws SQLException {
        List<SuggestionReport.Skewed> out = new ArrayList<>();
        for (Map.Entry<CandidateTable, List<ColumnUse>> e : uses.entrySet()) {
            CandidateTable t = e.getKey();
            Set<String> seen = new HashSet<>();
            for (ColumnUse u : e.getValue()) {
                if (u.use() != CandidateParser.Use.EQUALITY
                        || u.constant() != null
                        || !t.columns().contains(u.column())
                        || !seen.add(u.column())
                        || suggested.stream()
                                .anyMatch(x -> x.table().equals(t.name())
                                        && x.schema().equals(t.schema())
                                        && x.columns().contains(u.column()))) {
                    continue;
                }
                String key = t.schema() + "." + t.name() + "." + u.column();
                Optional<ColumnSkew> skew = cache.get(key);
                if (skew == null) {
                    skew = ColumnSkew.of(c, t.schema(), t.name(), u.column());
                    cache.put(key, skew);
                }
                skew.ifPresent(k -> out.add(new SuggestionReport.Skewed(
                        t.schema(), t.name(), u.column(), s.queryId(), k.genericShare(), k.mostCommon(), k.rare())));
            }
        }
        return out;
    }

    private void begin(Connection c) throws SQLException {
        BoundedRead.begin(c, settings.statementTimeout());
    }

    /** Roll back, then drop what outlives a rollback: the prepared statement and hypothetical indexes. */
    private void cleanUp(Connection c, boolean hypo) throws SQLException {
        c.rollback();
        begin(c);
        AdvisorPlan.deallocateIfPrepared(c);
        if (hypo) {
            HypoPg.reset(c);
        }
        c.rollback();
    }

    private List<Suggestion.Statement> topStatements(Connection c) throws SQLException {
        List<Suggestion.Statement> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(AdvisorQueries.topStatements())) {
            ps.setInt(1, settings.topStatements());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Suggestion.Statement(rs.getString(1), rs.getString(4), rs.getLong(2), rs.getDouble(3)));
                }
            }
        }
        return out;
    }

    /** Per real table of the statement, the uses of its columns. */
    private static Map<CandidateTable, List<ColumnUse>> uses(
            Connection c, Parsed parsed, Map<String, CandidateTable> cache) throws SQLException {
        Map<String, CandidateTable> byQualifier = new LinkedHashMap<>();
        for (TableRef ref : parsed.tables()) {
            String qualified =
                    (ref.schema() == null ? "" : Candidate.ident(ref.schema()) + ".") + Candidate.ident(ref.name());
            CandidateTable table = cache.containsKey(qualified)
                    ? cache.get(qualified)
                    : AdvisorCatalog.table(c, qualified).orElse(null);
            cache.put(qualified, table);
            if (table != null) {
                byQualifier.put(ref.alias() != null ? ref.alias() : ref.name(), table);
                byQualifier.putIfAbsent(ref.name(), table);
            }
        }
        Map<CandidateTable, List<ColumnUse>> uses = new LinkedHashMap<>();
        Set<CandidateTable> distinct = new HashSet<>(byQualifier.values());
        for (ColumnUse u : parsed.uses()) {
            CandidateTable owner =
                    u.qualifier() != null ? byQualifier.get(u.qualifier()) : onlyOwner(distinct, u.column());
            if (owner != null) {
                uses.computeIfAbsent(owner, k -> new ArrayList<>()).add(u);
            }
        }
        return uses;
    }

    /** Per real table of the statement, its candidates not covered by an existing index. */
    private Map<CandidateTable, List<Candidate>> candidates(
            Map<CandidateTable, List<ColumnUse>> uses, Set<SuggestionReport.Covered> covered) {
        Map<CandidateTable, List<Candidate>> out = new LinkedHashMap<>();
        uses.forEach((table, list) -> {
            if (table.kind() == 'p') {
                return; // hypothetical indexes and CONCURRENTLY both stop at a partitioned parent
            }
            List<Candidate> kept = new ArrayList<>();
            for (Candidate cand : Candidates.build(table, list, settings.maxCandidates())) {
                Optional<CandidateTable.Existing> by = Candidates.coveredBy(cand, table);
                if (by.isEmpty()) {
                    kept.add(cand);
                } else {
                    covered.add(new SuggestionReport.Covered(
                            table.schema(),
                            table.name(),
                            cand.columns(),
                            cand.predicate(),
                            by.get().name(),
                            by.get().method()));
                }
            }
            if (!kept.isEmpty()) {
                out.put(table, kept);
            }
        });
        return out;
    }

    /** An unqualified column belongs to the one table of the statement that has it; ambiguous: none. */
    private static CandidateTable onlyOwner(Set<CandidateTable> tables, String column) {
        List<CandidateTable> owners =
                tables.stream().filter(t -> t.columns().contains(column)).toList();
        return owners.size() == 1 ? owners.getFirst() : null;
    }

    private List<Suggestion> examine(
            Connection c, Suggestion.Statement s, Map<CandidateTable, List<Candidate>> candidates, boolean hypo)
            throws SQLException {
        AdvisorPlan before = plan(c, s);
        List<Suggestion> out = new ArrayList<>();
        for (Map.Entry<CandidateTable, List<Candidate>> e : candidates.entrySet()) {
            CandidateTable table = e.getKey();
            if (hypo) {
                best(c, s, before, table, e.getValue()).ifPresent(out::add);
            } else if (table.rows() >= settings.minRows() && before.seqScanned().contains(table.name())) {
                Candidate guess = e.getValue().getFirst();
                out.add(suggestion(guess, s, before.totalCost(), null, false));
            }
        }
        return out;
    }

    /** A logged statement as it ran (custom plan); pg_stat_statements' as a generic plan. */
    private static AdvisorPlan plan(Connection c, Suggestion.Statement s) throws SQLException {
        return s.fromLog() ? AdvisorPlan.ofLiteral(c, s.query()) : AdvisorPlan.of(c, s.query());
    }

    /**
     * Each candidate as a hypothetical index; the cheapest plan that uses it and cuts enough wins.
     * Within 10 % of the cheapest plan, a partial index whose predicate keeps a few percent of the
     * rows or less wins (PostgreSQL manual 11.8: a partial index leaves out the common values no
     * query would use it for, and is that much smaller to keep up); then the smaller index: fewer
     * columns, then a full one (usable by more statements); the write cost of an index grows with
     * its width.
     */
    private Optional<Suggestion> best(
            Connection c, Suggestion.Statement s, AdvisorPlan before, CandidateTable table, List<Candidate> list)
            throws SQLException {
        record Tried(Candidate candidate, double cost, boolean rarePartial) {}
        List<Tried> passing = new ArrayList<>();
        for (Candidate cand : list) {
            Savepoint sp = c.setSavepoint();
            try {
                HypoPg.HypotheticalIndex hypo = HypoPg.create(c, cand.hypotheticalDefinition());
                AdvisorPlan after = plan(c, s);
                double cut = cut(before.totalCost(), after.totalCost());
                if (after.indexesUsed().stream().anyMatch(n -> n.startsWith("<" + hypo.oid() + ">"))
                        && cut >= settings.minCutPercent()) {
                    passing.add(new Tried(cand, after.totalCost(), rare(c, table, cand)));
                }
                c.releaseSavepoint(sp);
            } catch (SQLException e) {
                c.rollback(sp); // this candidate only; the statement's other candidates still count
                AdvisorPlan.deallocateIfPrepared(c);
            } finally {
                HypoPg.reset(c);
            }
        }
        if (passing.isEmpty()) {
            return Optional.empty();
        }
        double cheapest = passing.stream().mapToDouble(Tried::cost).min().orElseThrow();
        Tried chosen = passing.stream()
                .filter(t -> t.cost() <= cheapest * 1.1)
                .min(Comparator.comparing((Tried t) -> !t.rarePartial())
                        .thenComparingInt(t -> t.candidate().columns().size())
                        .thenComparing(t -> t.candidate().predicate() != null)
                        .thenComparingDouble(Tried::cost))
                .orElseThrow();
        return Optional.of(suggestion(chosen.candidate(), s, before.totalCost(), chosen.cost(), true));
    }

    /** A partial candidate whose predicate the planner expects a few percent of the rows or fewer to meet. */
    private static boolean rare(Connection c, CandidateTable table, Candidate cand) throws SQLException {
        if (cand.predicate() == null || table.rows() <= 0) {
            return false;
        }
        String qualified = Candidate.ident(table.schema()) + "." + Candidate.ident(table.name());
        try (java.sql.Statement st = c.createStatement()) {
            st.setEscapeProcessing(false);
            try (ResultSet rs = st.executeQuery(AdvisorQueries.predicateRows(qualified, cand.predicate()))) {
                rs.next();
                double rows = AdvisorPlan.parse(rs.getString(1)).rows();
                return rows / table.rows() <= ColumnSkew.FEW_PERCENT;
            }
        }
    }

    private static double cut(double before, double after) {
        return before <= 0 ? 0 : Math.round((before - after) / before * 1000) / 10.0;
    }

    private static Suggestion suggestion(
            Candidate cand, Suggestion.Statement s, double before, Double after, boolean validated) {
        return new Suggestion(
                cand.schema(),
                cand.table(),
                cand.columns(),
                cand.method(),
                cand.predicate(),
                before,
                after,
                after == null ? null : cut(before, after),
                validated,
                cand.why() + (validated ? "" : "; heuristic: a large table read by a sequential scan"),
                null,
                null,
                s,
                1);
    }

    /** One suggestion per index: the first (heaviest statement) is kept, the others counted. */
    private static List<Suggestion> merge(List<Suggestion> found) {
        List<Suggestion> out = new ArrayList<>();
        List<Candidate> keys = new ArrayList<>();
        for (Suggestion s : found) {
            Candidate key = key(s);
            int at = -1;
            for (int i = 0; i < keys.size() && at < 0; i++) {
                if (keys.get(i).sameIndexAs(key)) {
                    at = i;
                }
            }
            if (at < 0) {
                keys.add(key);
                out.add(s);
            } else {
                out.set(at, out.get(at).alsoServing());
            }
        }
        return out;
    }

    private static Candidate key(Suggestion s) {
        return new Candidate(s.schema(), s.table(), List.of(), s.columns(), s.predicate(), "");
    }

    /** Index names that collide with no relation of the schema, nor with each other. */
    private static List<Suggestion> named(Connection c, List<Suggestion> list) throws SQLException {
        List<Suggestion> out = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (Suggestion s : list) {
            Candidate cand = new Candidate(s.schema(), s.table(), s.columns(), List.of(), s.predicate(), "");
            String base = cand.defaultName();
            String name = base;
            for (int i = 1;
                    taken.contains(s.schema() + "." + name) || AdvisorCatalog.exists(c, s.schema(), name);
                    i++) {
                String suffix = "_" + i;
                name = (base.length() + suffix.length() > 63 ? base.substring(0, 63 - suffix.length()) : base) + suffix;
            }
            taken.add(s.schema() + "." + name);
            out.add(new Suggestion(
                    s.schema(),
                    s.table(),
                    s.columns(),
                    s.method(),
                    s.predicate(),
                    s.costBefore(),
                    s.costAfter(),
                    s.cutPercent(),
                    s.validated(),
                    s.reason(),
                    name,
                    cand.createStatement(name) + ";",
                    s.statement(),
                    s.statements()));
        }
        return out;
    }

    private static boolean single(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
