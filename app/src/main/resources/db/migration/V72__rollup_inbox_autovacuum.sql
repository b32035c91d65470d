-- rollup_inbox is a queue: every rollup run deletes what it drained. Until a vacuum removes those
-- rows, the dashboard's live tail (V70) walks them on every read of the tenant's pending days, and on a
-- replica more so: a standby never marks index entries of dead rows as dead, so each read visits
-- every dead row's heap tuple again. With the default thresholds (20 % of the table plus 50 rows)
-- autovacuum comes late for a table that is emptied by design; here it comes at its next round
-- (autovacuum_naptime, a minute by default) once a thousand rows have been drained. The table stays
-- small, so each vacuum is cheap. Inserts alone never need a vacuum here: the drain follows them.
alter table rollup_inbox set (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 1000
);
