#!/usr/bin/env bash
# Connection pooling: CLIENTS client connections (default 1000) running the same SQL (pgbench's
# built-in select-only transaction, a primary-key lookup) straight to PostgreSQL and through
# PgBouncer in transaction mode (DEFAULT_POOL server connections, default 20), each both steady
# (a connection held for the run) and connection-per-transaction (pgbench -C), in one run on one
# PostgreSQL 15 started here on a free port (as root inside `unshare -U`, PgBouncer as nobody).
# Rounds alternate the four modes, so a neighbour's load falls on all of them. Prints a markdown
# table: transactions per second, average latency, and the most server backends seen.
# Usage: bench/pooling.sh    (CLIENTS=1000 DEFAULT_POOL=20 SECONDS_EACH=20 ROUNDS=2 SCALE=10)
# Needs: postgresql-15 (initdb, postgres, pgbench, psql) and pgbouncer, installed when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${CLIENTS:-1000}
POOL=${DEFAULT_POOL:-20}
EACH=${SECONDS_EACH:-20}
ROUNDS=${ROUNDS:-2}
SCALE=${SCALE:-10}
BIN=/usr/lib/postgresql/15/bin
say() { printf 'pooling: %s\n' "$*" >&2; }

install() { # what package
    say "$1 is missing: installing the OS package $2 (apt-get)"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get install -y -q "$2" >/dev/null || { say "could not install $2"; exit 2; }
}
[ -x "$BIN/pgbench" ] || install pgbench postgresql-15
command -v pgbouncer >/dev/null || install pgbouncer pgbouncer
[ "$(ulimit -Hn)" -ge $((CLIENTS * 2 + 100)) ] || { say "ulimit -Hn is $(ulimit -Hn): $CLIENTS clients need about $((CLIENTS * 2 + 100)) open files"; exit 2; }
ulimit -n "$(ulimit -Hn)"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
DIR=$(mktemp -d /tmp/classbase-pooling-XXXXXX)
chmod 755 "$DIR"
PG_PORT=$(free_port)
BOUNCER_PORT=$(free_port)
AS=()
[ "$(id -u)" = 0 ] && AS=(unshare -U) # PostgreSQL refuses root; a user namespace makes it someone else
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT
trap 'say interrupted; exit 130' INT TERM

"${AS[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust --encoding=UTF8 --no-sync > "$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 2; }
# max_connections: the direct runs need one backend per client (the PostgreSQL manual, "How
# Connections Are Established": a process per connection); shared_buffers small for a shared machine
"${AS[@]}" "$BIN/postgres" -D "$DIR/data" -p "$PG_PORT" -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$DIR" -c max_connections=$((CLIENTS + 50)) -c shared_buffers=128MB \
    > "$DIR/postgres.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 0.5; done
"$BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || { cat "$DIR/postgres.log" >&2; exit 2; }

cat > "$DIR/pgbouncer.ini" <<INI
[databases]
bench = host=127.0.0.1 port=$PG_PORT dbname=postgres user=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = $POOL
max_client_conn = $((CLIENTS + 50))
max_db_connections = $POOL
logfile = $DIR/pgbouncer.log
INI
chmod 644 "$DIR/pgbouncer.ini"
BOUNCER=(pgbouncer "$DIR/pgbouncer.ini")
[ "$(id -u)" = 0 ] && BOUNCER=(pgbouncer -u nobody "$DIR/pgbouncer.ini")
touch "$DIR/pgbouncer.log"; chmod 666 "$DIR/pgbouncer.log"
"${BOUNCER[@]}" > "$DIR/pgbouncer.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 40); do "$BIN/pg_isready" -q -h 127.0.0.1 -p "$BOUNCER_PORT" -d bench && break; sleep 0.5; done

say "pgbench -i -s $SCALE on PostgreSQL 15 at 127.0.0.1:$PG_PORT; PgBouncer at :$BOUNCER_PORT (pool $POOL)"
"$BIN/pgbench" -i -q -s "$SCALE" -h 127.0.0.1 -p "$PG_PORT" -U postgres postgres > "$DIR/init.log" 2>&1 \
    || { cat "$DIR/init.log" >&2; exit 2; }

backends_max() { # file: the most client backends seen, sampled every 0.5 s until killed
    local max=0 n
    while :; do
        n=$("$BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atqc \
            "select count(*) - 1 from pg_stat_activity where backend_type = 'client backend'" postgres 2>/dev/null || echo 0)
        [ "$n" -gt "$max" ] && max=$n && echo "$max" > "$1"
        sleep 0.5
    done
}
declare -A TPS LAT BACKENDS FAILED NORESULT
run() { # mode port db connect-flag
    local mode=$1 port=$2 db=$3 flag=$4 out="$DIR/${1//[ ,]/-}-$ROUND.out"
    echo 0 > "$DIR/backends"
    backends_max "$DIR/backends" &
    local sampler=$!
    "$BIN/pgbench" -n -S -c "$CLIENTS" -j 4 -T "$EACH" $flag -h 127.0.0.1 -p "$port" -U postgres "$db" > "$out" 2>&1 || true
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
    local tps lat failed
    tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$out" | head -n 1)
    lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$out")
    failed=$(grep -c 'error\|FATAL\|could not' "$out" || true)
    [ -n "$tps" ] || { say "$mode: pgbench gave no result:"; tail -n 5 "$out" >&2; }
    if [ -n "$tps" ]; then
        TPS[$mode]+="$tps "
        LAT[$mode]+="$lat "
    else
        NORESULT[$mode]=$(( ${NORESULT[$mode]:-0} + 1 ))
    fi
    BACKENDS[$mode]+="$(cat "$DIR/backends") "
    FAILED[$mode]=$(( ${FAILED[$mode]:-0} + failed ))
    say "$mode: ${tps:-no} tps, latency ${lat:-?} ms, $(cat "$DIR/backends") backends at most, $failed error lines"
}
MODES=("direct, steady" "PgBouncer, steady" "direct, connection per transaction" "PgBouncer, connection per transaction")
for ROUND in $(seq 1 "$ROUNDS"); do
    say "round $ROUND of $ROUNDS: $CLIENTS clients, ${EACH}s each"
    run "${MODES[0]}" "$PG_PORT" postgres ""
    run "${MODES[1]}" "$BOUNCER_PORT" bench ""
    run "${MODES[2]}" "$PG_PORT" postgres "-C"
    run "${MODES[3]}" "$BOUNCER_PORT" bench "-C"
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print NR == 0 ? 0 : (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo
echo "| $CLIENTS clients, pgbench -S, ${EACH}s x $ROUNDS rounds | tps (median) | latency avg ms (median) | server backends max | error lines | runs without a result |"
echo "|---|---:|---:|---:|---:|---:|"
for m in "${MODES[@]}"; do
    echo "| $m | $(echo "${TPS[$m]}" | median | xargs printf '%.0f') | $(echo "${LAT[$m]}" | median | xargs printf '%.1f') | $(echo "${BACKENDS[$m]}" | tr ' ' '\n' | sort -n | tail -n 1) | ${FAILED[$m]} | ${NORESULT[$m]:-0} |"
done
