package dev.classbase.ops.indexes;

import dev.classbase.ops.indexes.SuggestionReport.ValueShare;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Whether {@code col = $1} on a column hides rare values from a generic plan. For a parameter the
 * planner assumes (1 - null fraction) / distinct values of the rows, never more than the most common
 * value's share ({@code var_eq_non_const} in PostgreSQL's selfuncs.c). When that is more than a few
 * percent while some value has a few percent or less, an index pays for the rare values only: the
 * generic plan never shows it, a custom plan for the literal does. "A few percent": the manual's
 * bound for values not worth indexing (11.8, Partial Indexes).
 */
record ColumnSkew(double genericShare, ValueShare mostCommon, List<ValueShare> rare) {
    static final double FEW_PERCENT = 0.05;

    /** At most this many rare values are named. */
    private static final int NAMED = 5;

    static Optional<ColumnSkew> of(Connection c, String schema, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AdvisorQueries.columnStats())) {
            ps.setString(1, schema);
            ps.setString(2, table);
            ps.setString(3, column);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Array values = rs.getArray(3);
                Array freqs = rs.getArray(4);
                if (values == null || freqs == null) {
                    return Optional.empty();
                }
                String[] v = (String[]) values.getArray();
                Float[] f = toFloats(freqs.getArray());
                return of(rs.getDouble(1), rs.getDouble(2), rs.getDouble(5), v, f);
            }
        }
    }

    static Optional<ColumnSkew> of(double nullFrac, double nDistinct, double rows, String[] values, Float[] freqs) {
        double distinct = nDistinct >= 0 ? nDistinct : -nDistinct * rows;
        if (distinct < 2 || values.length == 0 || values.length != freqs.length) {
            return Optional.empty();
        }
        double generic = Math.min((1 - nullFrac) / distinct, freqs[0]);
        List<ValueShare> rare = new ArrayList<>();
        double sum = 0;
        for (int i = 0; i < freqs.length; i++) {
            sum += freqs[i];
            if (freqs[i] <= FEW_PERCENT) {
                rare.add(new ValueShare(values[i], percent(freqs[i])));
            }
        }
        double others = distinct > values.length ? (1 - nullFrac - sum) / (distinct - values.length) : 1;
        if (generic <= FEW_PERCENT || (rare.isEmpty() && others > FEW_PERCENT)) {
            return Optional.empty();
        }
        rare.sort(Comparator.comparingDouble(ValueShare::percent));
        return Optional.of(new ColumnSkew(
                percent(generic),
                new ValueShare(values[0], percent(freqs[0])),
                List.copyOf(rare.subList(0, Math.min(NAMED, rare.size())))));
    }

    private static double percent(double share) {
        return Math.round(share * 100_000) / 1000.0;
    }

    private static Float[] toFloats(Object array) {
        if (array instanceof Float[] f) {
            return f;
        }
        Object[] objects = (Object[]) array;
        Float[] out = new Float[objects.length];
        for (int i = 0; i < objects.length; i++) {
            out[i] = ((Number) objects[i]).floatValue();
        }
        return out;
    }
}
