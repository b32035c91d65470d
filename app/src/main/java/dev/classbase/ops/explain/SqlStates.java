package dev.classbase.ops.explain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * PostgreSQL's condition names by SQLSTATE (Appendix A of the manual, {@code sqlstates.txt} beside
 * this class): how the console names an error whose message it does not show.
 */
final class SqlStates {
    private static final Map<String, String> NAMES = load();

    private SqlStates() {}

    /** {@code 22P02} → {@code invalid_text_representation}; an unknown code by its class, or "unknown". */
    static String name(String state) {
        if (state == null || state.length() != 5) {
            return "unknown";
        }
        String name = NAMES.get(state);
        if (name == null) {
            // a code newer than the list: its class ("22000 data_exception") still says what kind
            name = NAMES.get(state.substring(0, 2) + "000");
        }
        return name == null ? "unknown" : name;
    }

    private static Map<String, String> load() {
        Map<String, String> names = new HashMap<>();
        try (InputStream in = SqlStates.class.getResourceAsStream("sqlstates.txt")) {
            if (in == null) {
                throw new IllegalStateException("sqlstates.txt is missing beside " + SqlStates.class.getName());
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.strip().split("\\s+");
                names.putIfAbsent(parts[0], parts[1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(names);
    }
}
