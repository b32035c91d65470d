#!/usr/bin/env bash
# The catalog search endpoint (GET /api/v1/courses?q=algebra) with and without a GIN index on
# courses.search_vector, in alternating rounds on one server and one dataset: the service role
# cannot read that index under row-level security (docs/SECURITY.md, V76), so the two should match.
# Also the same SQL through pgbench as classbase_app with the tenant bound, to see the database alone.
#
# Needs a server on an embedded cluster seeded at scale S, with the catalog's cache off:
#   ./classbase seed --scale S --data-dir D
#   java -Dclassbase.cache.regions.catalog.enabled=false -jar app/target/classbase.jar serve --data-dir D --port P
# Usage: bench/catalog-search.sh D P     (ROUNDS=3 DURATION=15 CONNECTIONS=4)
# Needs wrk and pgbench/psql (postgresql-15). Creates the index for the "with" rounds and leaves the
# database as it found it (the index absent, as V76 leaves it).
set -euo pipefail
DIR=${1:?data directory of the cluster}
PORT=${2:?the HTTP port of the server}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-4}
props="$DIR/cluster.properties"
prop() { sed -n "s/^$1=//p" "$props"; }
PG_PORT=$(prop port.primary)
BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -n 1)")
owner() { PGPASSWORD=$(prop password.classbase) "$BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U classbase -d classbase -qAtc "$1"; }
replayed() { # the replica serves the reads: wait until it has replayed the index change
    local lsn
    lsn=$(owner "select pg_current_wal_lsn()")
    until [ "$(owner "select coalesce(bool_and(replay_lsn >= '$lsn'), true) from pg_stat_replication")" = t ]; do sleep 0.1; done
}
TOKEN=$(curl -sf -X POST "localhost:$PORT/api/v1/sessions" -H 'Content-Type: application/json' \
    -d '{"email":"student1@northwood.demo","password":"classbase-demo"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
SCRIPT=$(mktemp)
trap 'rm -f "$SCRIPT"' EXIT
cat >"$SCRIPT" <<'SQL'
\set tenant random(1, 20)
begin;
select set_config('app.tenant_id', :tenant::text, true);
select c.id, c.title, ts_rank(c.search_vector, q.query) as rank from courses as c cross join websearch_to_tsquery('english', 'algebra') as q(query) where c.tenant_id = :tenant and c.status = 'published' and c.search_vector @@ q.query order by rank desc, c.id limit 21;
commit;
SQL
http() {
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" \
        "http://localhost:$PORT/api/v1/courses?q=algebra" |
        awk '/50%/{p50=$2} /99%/{p99=$2} /Requests\/sec/{rps=$2} END{printf "%s | %s | %s", rps, p50, p99}'
}
sql() {
    PGPASSWORD=$(prop password.classbase_app) "$BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U classbase_app -n \
        -c2 -j2 -T"$DURATION" -f "$SCRIPT" classbase 2>&1 | awk '/^tps/{printf "%.0f", $3}'
}
echo "| round | GIN index | endpoint req/s | p50 | p99 | SQL as classbase_app, tps |"
echo "|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
    for gin in with without; do
        if [ $gin = with ]; then
            owner "create index if not exists courses_search on courses using gin (search_vector) where status = 'published'"
        else
            owner "drop index if exists courses_search"
        fi
        replayed
        echo "| $r | $gin | $(http) | $(sql) |"
    done
done
owner "drop index if exists courses_search"
