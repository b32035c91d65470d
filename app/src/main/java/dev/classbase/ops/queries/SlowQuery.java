package dev.classbase.ops.queries;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One statement of pg_stat_statements as the console shows it (PgHero's query stats): the server
 * it ran on ({@code primary} or a replica's name), whether a client sent it ({@code toplevel}) or a
 * function ran it, times in milliseconds rounded to two places, the text cut at 2,000 characters.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record SlowQuery(
        String server,
        String queryid,
        Boolean toplevel,
        Long calls,
        Long rows,
        Double totalMs,
        Double meanMs,
        Long sharedBlksHit,
        Long sharedBlksRead,
        String query) {}
