package dev.classbase.ops.tune;

/**
 * One postgresql.conf setting with the rule that produced it and where the rule comes from.
 *
 * @param name the parameter, as in {@code pg_settings.name}
 * @param value the value in postgresql.conf form ("2GB", "1.1", "5min")
 * @param rule how the value follows from the machine ("25 % of RAM")
 * @param source who says so (the PostgreSQL manual section, PGTune)
 */
public record Recommendation(String name, String value, String rule, String source) {}
