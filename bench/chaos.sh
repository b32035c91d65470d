#!/usr/bin/env bash
# Faults under load on the scale-out topology (bench/topology.sh: HAProxy -> 2 app instances ->
# a PgBouncer per server -> primary + 2 replicas, Redis). One sign-in pass, then per fault one run
# of the load journeys (bench/journeys.sh) of --ramp seconds of ramp and --phase-seconds steady; the
# fault goes in --inject-at seconds into the steady part and is undone --hold seconds later (c and
# g at once, as a supervisor restarts a crashed process):
#
#   a  a replica's postmaster killed (SIGKILL), started again (./classbase db start)
#   b  every client connection on the primary and the replicas ended (pg_terminate_backend)
#   c  the primary's PgBouncer killed (SIGKILL), started again at once on its configuration
#   d  one app instance killed (SIGKILL); HAProxy's health checks move traffic; started again
#   e  Redis killed (SIGKILL), started again; a sign-out on one instance during the outage must be
#      refused on the other within classbase.cache.session-ttl
#   f  the primary's PgBouncer pool held by long transactions (select pg_sleep(--hold)) as the app's
#      role: the app's pool drains and requests must get 503 + Retry-After, never hang
#   g  an app instance killed (SIGKILL) while event batches flow, started again at once: no
#      acknowledged event may be lost
#   h  primary failover: bench/chaos-failover.sh (a Patroni cluster of its own), when present
#
# Per fault: requests and failures per kind (errors per status), acknowledged writes (the write
# ledgers), lost and duplicated ones (bench/ledger-check.sh), and recovery_s: seconds from the
# injection until writes succeed again without a failure and replica reads are seen again (the
# generators' per-second timelines). Writes OUT/summary.json (an array, one object per fault) and
# OUT/summary.md (the table in docs/BENCHMARKS.md); each fault's files are in OUT/<fault>/.
#
# Usage: bench/chaos.sh [--users 2000] [--phase-seconds 120] [--ramp 30] [--inject-at 30]
#                       [--hold 20] [--faults a,b,c,d,e,f,g,h] [--data-dir DIR]
#                       [--password-stdin] [--sessions FILE] [--out target/chaos]
#   --data-dir: the embedded cluster folder, seeded (./classbase seed --scale M); default
#   target/topology/cluster. --password-stdin: the accounts' password (default: the demo one).
#   --sessions: a sessions.csv of an earlier sign-in pass on that database (bench/capacity.sh's):
#   only the accounts without a session sign in.
# A run that cannot start says why and exits 2; Ctrl-C tears the topology down.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

say() { printf 'chaos: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

USERS=2000
PHASE=120
RAMP=30
INJECT_AT=""
HOLD=20
FAULTS=a,b,c,d,e,f,g,h
DATA_DIR=""
PASSWORD=classbase-demo
OUT=target/chaos
PER_GENERATOR=5000
SIGN_IN_BUDGET=100
SIGN_IN_RATE=20
SESSIONS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --users) USERS=${2:?--users needs a number}; shift 2 ;;
        --phase-seconds) PHASE=${2:?--phase-seconds needs seconds}; shift 2 ;;
        --ramp) RAMP=${2:?--ramp needs seconds}; shift 2 ;;
        --inject-at) INJECT_AT=${2:?--inject-at needs seconds}; shift 2 ;;
        --hold) HOLD=${2:?--hold needs seconds}; shift 2 ;;
        --faults) FAULTS=${2:?--faults needs a list, e.g. a,b,c}; shift 2 ;;
        --data-dir) DATA_DIR=${2:?--data-dir needs the embedded cluster folder}; shift 2 ;;
        --password-stdin) IFS= read -r PASSWORD || die "--password-stdin: standard input had no password"; shift ;;
        --out) OUT=${2:?--out needs a folder}; shift 2 ;;
        --sessions) SESSIONS=${2:?--sessions needs a file}; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
INJECT_AT=${INJECT_AT:-$((PHASE / 4))}
for n in "$USERS" "$PHASE" "$RAMP" "$INJECT_AT" "$HOLD"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a positive whole number"
done
[ $((INJECT_AT + HOLD + 15)) -le "$PHASE" ] \
    || die "--inject-at $INJECT_AT + --hold $HOLD leaves under 15 s of --phase-seconds $PHASE to recover"
for f in ${FAULTS//,/ }; do
    [[ "$f" =~ ^[a-h]$ ]] || die "--faults: '$f' is not one of a..h"
done

# --- tools ----------------------------------------------------------------------------------------
. bench/lib.sh
. bench/journeys.sh
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || die "no JDK 21 or newer found (set JAVA_HOME)"
need_package psql postgresql-client
need_package python3 python3-minimal
need_package curl curl
[ -x bench/topology.sh ] || die "bench/topology.sh is missing"
[ -f target/topology/pids ] && die "a topology is already up (target/topology/pids): bench/topology.sh down first"

# --- the topology, torn down on exit and Ctrl-C ---------------------------------------------------
TOPOLOGY_UP=""
BACKGROUND=()
cleanup() {
    local rc=$?
    for pid in "${BACKGROUND[@]}" $(jobs -p); do kill "$pid" 2>/dev/null || true; done
    if [ -n "$TOPOLOGY_UP" ]; then
        say "tearing the topology down"
        bench/topology.sh down || say "bench/topology.sh down failed; see target/topology/"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

rm -rf "$OUT"
mkdir -p "$OUT"
say "starting the topology (bench/topology.sh up)"
TOPOLOGY_UP=1
bench/topology.sh up ${DATA_DIR:+--data-dir "$DATA_DIR"} || die "bench/topology.sh up failed (see above: a port taken, a tool missing)"
TOPO=target/topology
# shellcheck disable=SC1091
. $TOPO/topology.env
# shellcheck disable=SC1091
. $TOPO/db.env # the app role's name and password (fault f)
URL=$CLASSBASE_URL
DB_URL=$PRIMARY_URL
IFS=, read -r -a INSTANCES <<<"$INSTANCE_URLS"
IFS=, read -r -a REPLICAS <<<"$REPLICA_URLS"
IFS=, read -r -a BOUNCERS <<<"$PGBOUNCER_URLS"
STATS_CSV="$HAPROXY_STATS_URL;csv"
psql "$DB_URL" -Atqc 'select 1' >/dev/null || die "cannot connect to the primary"
PROCS=$OUT/processes
cp $TOPO/pids "$PROCS"

compile_journeys
[ -z "$SESSIONS" ] || [ -r "$SESSIONS" ] || die "--sessions $SESSIONS: no such file"
sign_in_pass "$USERS"
# the pass keeps in accounts.csv only the accounts it signed in; the spare sessions below come from
# the rows past the generators' share of the whole list
export_accounts "$USERS"

pid_of() { awk -v n="$1" '$1 == n { print $2 }' $TOPO/pids; }
now() { date +%s.%N | cut -c1-14; }
# every instance UP in HAProxy's view and every process of the pids file alive
await_healthy() {
    local deadline=$(( $(date +%s) + ${1:-120} ))
    while :; do
        if bench/topology.sh status >/dev/null 2>&1 \
            && [ "$(curl -fsS "$STATS_CSV" | awk -F, '$1 == "classbase_instances" && $2 ~ /^app/ && $18 == "UP"' | wc -l)" -eq "${#INSTANCES[@]}" ]; then
            return 0
        fi
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 1
    done
}

# A spare account (past the rows the generators are dealt): signs in on $1, prints "token id".
SPARE=0
spare_session() {
    local row=$(( USERS * 6 / 5 + 2 + SPARE ))
    SPARE=$((SPARE + 1))
    local email
    email=$(awk -F, -v r="$row" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "email") c = i } NR == r { print $c }' "$OUT/accounts.csv")
    [ -n "$email" ] || die "no spare account in $OUT/accounts.csv (row $row)"
    curl -fsS -H 'Content-Type: application/json' \
        -d "{\"email\":\"$email\",\"password\":\"$PASSWORD\"}" "$1/api/v1/sessions" \
        | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["token"], d["user"]["id"])'
}

# Every half second, a read on each instance with a spare session: where the server says it went
# (Classbase-Read-Source), so that a replica's return to the rotation is seen to the second. The
# user's own events: a read no cache region answers.
probe_reads() { # file token user
    local file=$1 token=$2 me=$3 i src
    while :; do
        for i in "${!INSTANCES[@]}"; do
            src=$(curl -s -o /dev/null -D - --max-time 5 -H "Authorization: Bearer $token" \
                "${INSTANCES[$i]}/api/v1/users/$me/events?limit=1" | tr -d '\r' \
                | awk -F': ' '/^HTTP/ { split($0, w, " "); s = w[2] } tolower($1) == "classbase-read-source" { r = $2 }
                             tolower($1) == "retry-after" { ra = " retry-after=" $2 }
                             END { print (s == 200 ? r : "status-" s ra) }' || true)
            printf '%s\tapp%d\t%s\n' "$(now)" $((i + 1)) "${src:-none}" >>"$file"
        done
        sleep 0.5
    done
}

# --- the faults: inject_<f> and undo_<f>; notes go to $FDIR/notes.txt ---------------------------
note() { echo "$*" >>"$FDIR/notes.txt"; say "  $*"; }

inject_a() { kill -KILL "$(pid_of postgres-replica1)"; note "postgres-replica1 ($(pid_of postgres-replica1)) killed with SIGKILL"; }
undo_a() {
    # the replica's own return (it accepts connections), apart from the restart command's end
    bench/topology.sh restart postgres-replica1 &
    local restart=$! deadline=$(( $(date +%s) + 180 ))
    until psql "${REPLICAS[0]}" -Atqc 'select pg_is_in_recovery()' >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || break
        sleep 0.2
    done
    now >"$FDIR/replica-up"
    note "replica1 accepts connections again at +$(python3 -c "print(round($(now) - $restarted, 1))") s after the restart began"
    wait "$restart"
}

inject_b() {
    local u n
    for u in "$PRIMARY_URL" "${REPLICAS[@]}"; do
        n=$(psql "$u" -Atqc "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity
                             where backend_type = 'client backend' and pid <> pg_backend_pid()")
        note "$(python3 -c 'import sys, urllib.parse as p; print(p.urlsplit(sys.argv[1]).port)' "$u"): $n connections terminated"
    done
}
undo_b() { :; }

inject_c() { kill -KILL "$(pid_of pgbouncer-primary)"; note "pgbouncer-primary ($(pid_of pgbouncer-primary)) killed with SIGKILL"; }
undo_c() { bench/topology.sh restart pgbouncer-primary; }

inject_d() { kill -KILL "$(pid_of app1)"; note "app1 ($(pid_of app1)) killed with SIGKILL"; }
undo_d() { bench/topology.sh restart app1; }

SIGNOUT_PID=""
inject_e() {
    # a spare session, cached on both instances before the outage
    local s token
    s=$(spare_session "${INSTANCES[0]}")
    token=${s% *}
    local i cached
    cached=$(now)
    for i in "${INSTANCES[@]}"; do
        curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$i/api/v1/users/${s#* }/enrollments" \
            || note "the spare session is not accepted on $i before the outage"
    done
    kill -KILL "$(pid_of redis)"
    note "redis ($(pid_of redis)) killed with SIGKILL"
    sleep 2
    # signed out on app1 while Redis is down; app2 must refuse it within the session cache's ttl
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "Authorization: Bearer $token" \
        "${INSTANCES[0]}/api/v1/sessions/current")
    local out=$(now)
    note "sign-out on app1 during the outage: $code; app2 cached the session $(python3 -c "print(round($out - $cached, 1))") s before"
    (
        # each poll's start and answer: the refusal lies between the last 200 and the first 401
        local last_ok=0 t c
        while :; do
            t=$(now)
            c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $token" \
                "${INSTANCES[1]}/api/v1/users/${s#* }/enrollments" || true)
            echo "$t $c" >>"$FDIR/signout-polls.txt"
            if [ "$c" = 401 ]; then
                echo "signed-out token refused on app2: accepted until $(python3 -c "print(round($last_ok - $out, 1))") s, refused from $(python3 -c "print(round($t - $out, 1))") s after the sign-out" >>"$FDIR/notes.txt"
                exit 0
            fi
            [ "$c" = 200 ] && last_ok=$t
            if [ "${t%.*}" -gt $(( ${out%.*} + 120 )) ]; then
                echo "signed-out token still accepted on app2 120 s after the sign-out ($c)" >>"$FDIR/notes.txt"
                exit 1
            fi
            sleep 0.5
        done
    ) &
    SIGNOUT_PID=$!
}
undo_e() { bench/topology.sh restart redis; }

HOLDERS=()
inject_f() {
    # the app's role, straight through the primary's PgBouncer: every server connection PgBouncer
    # may open for that role (default_pool_size + reserve_pool_size, within max_db_connections)
    local ini=$TOPO/pgbouncer-primary/pgbouncer.ini size reserve maxdb n
    size=$(sed -n 's/^default_pool_size *= *//p' "$ini")
    reserve=$(sed -n 's/^reserve_pool_size *= *//p' "$ini")
    maxdb=$(sed -n 's/^max_db_connections *= *//p' "$ini")
    n=$((size + reserve))
    [ -n "$maxdb" ] && [ "$maxdb" -gt 0 ] && [ "$maxdb" -lt "$n" ] && n=$maxdb
    local bouncer=${BOUNCERS[0]#postgresql://}
    local url="postgresql://$CLASSBASE_APP_USER:$CLASSBASE_APP_PASSWORD@$bouncer"
    local k
    for k in $(seq 1 "$n"); do
        psql "$url" -Atqc "select pg_sleep($HOLD)" >/dev/null 2>>"$FDIR/holders.err" &
        HOLDERS+=($!)
    done
    note "$n transactions of select pg_sleep($HOLD) held through pgbouncer-primary as $CLASSBASE_APP_USER (default_pool_size $size + reserve_pool_size $reserve, max_db_connections $maxdb)"
}
undo_f() {
    local p
    for p in "${HOLDERS[@]}"; do wait "$p" 2>/dev/null || true; done
    HOLDERS=()
}

inject_g() {
    # the moment a batch is in flight on app2: its access to the events table (pg_stat_activity)
    local deadline=$(( $(date +%s) + 20 ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        [ "$(psql "$PRIMARY_URL" -Atqc "select count(*) from pg_stat_activity where query ilike '%insert into%events%' and state = 'active'")" -gt 0 ] && break
        sleep 0.05
    done
    kill -KILL "$(pid_of app2)"
    note "app2 ($(pid_of app2)) killed with SIGKILL during event ingestion"
}
undo_g() { bench/topology.sh restart app2; }

# --- one run of the journeys per fault -------------------------------------------------------------
declare -A NAMES=([a]=replica-killed [b]=connections-terminated [c]=pgbouncer-restart [d]=app-instance-killed
    [e]=redis-killed [f]=pool-exhaustion [g]=app-killed-during-ingestion [h]=primary-failover)
PROBE=$(spare_session "$URL")
ran=()
for f in ${FAULTS//,/ }; do
    [ "$f" = h ] && continue
    name=${NAMES[$f]}
    FDIR=$OUT/$name
    mkdir -p "$FDIR"
    await_healthy 180 || die "$name: the topology is not healthy before the fault (bench/topology.sh status)"
    gens=$(( (USERS + PER_GENERATOR - 1) / PER_GENERATOR ))
    export_accounts "$USERS"
    signing=$(deal_accounts "$FDIR" "$USERS" "$gens")
    addresses=$(source_addresses "$USERS" "$signing" "$RAMP" "$gens")
    say "fault $f ($name): $USERS users, ramp ${RAMP}s, ${PHASE}s steady, injected at +${INJECT_AT}s, undone $(case $f in c|g) echo at once ;; *) echo "${HOLD}s later" ;; esac)"
    cp $TOPO/pids "$FDIR/processes"
    conn_urls=("$PRIMARY_URL" "${REPLICAS[@]}")
    sample_connections "$FDIR/connections.txt" "${conn_urls[@]}" &
    BACKGROUND+=($!)
    probe_reads "$FDIR/probe.tsv" ${PROBE% *} ${PROBE#* } &
    BACKGROUND+=($!)
    start_generators "$FDIR" "$USERS" "$RAMP" "$PHASE" "$gens" "$addresses"
    started=$(date +%s)
    sleep $((RAMP + INJECT_AT))
    injected=$(now)
    "inject_$f" || note "injecting the fault failed"
    # a PgBouncer and an instance during ingestion are restarted at once (a crash and its
    # supervisor's restart); the others stay down for --hold seconds
    case $f in c|g) ;; *) sleep "$HOLD" ;; esac
    restarted=$(now)
    "undo_$f" || note "undoing the fault failed: see $TOPO/"
    restored=$(now)
    note "undone at +$(python3 -c "print(round($restarted - $injected, 1))") s, back after $(python3 -c "print(round($restored - $restarted, 1))") s"
    failed=0
    for p in "${gen_pids[@]}"; do wait "$p" || failed=1; done
    for p in "${BACKGROUND[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    BACKGROUND=()
    if [ -n "$SIGNOUT_PID" ]; then wait "$SIGNOUT_PID" || true; SIGNOUT_PID=""; fi
    [ "$failed" = 0 ] || { tail -n 20 "$FDIR"/gatling-g*.log >&2; die "$name: a Gatling run failed (logs in $FDIR)"; }
    printf '{"fault":"%s","letter":"%s","started_at":%s,"injected_at":%s,"restarted_at":%s,"restored_at":%s,"ramp_s":%s,"phase_s":%s,"hold_s":%s,"users":%s}\n' \
        "$name" "$f" "$started" "$injected" "$restarted" "$restored" "$RAMP" "$PHASE" "$HOLD" "$USERS" >"$FDIR/fault.json"
    ran+=("$name")
    say "checking $name's write ledgers (bench/ledger-check.sh)"
    ledgers=("$FDIR"/ledger-*.tsv)
    if [ -e "${ledgers[0]}" ]; then
        bench/ledger-check.sh "${ledgers[@]}" --url "$PRIMARY_URL" >"$FDIR/ledger-check.txt" || true
        head -n 1 "$FDIR/ledger-check.txt" >&2
    fi
    python3 bench/chaos-summary.py "$OUT" "${ran[@]}" >"$OUT/summary.json"
done

TOPOLOGY_UP=""
say "tearing the topology down"
bench/topology.sh down || say "bench/topology.sh down failed; see target/topology/"

if [[ ",$FAULTS," == *,h,* ]]; then
    if [ -x bench/chaos-failover.sh ]; then
        say "fault h (primary-failover): bench/chaos-failover.sh"
        mkdir -p "$OUT/primary-failover"
        if bench/chaos-failover.sh --users "$USERS" --seconds $((RAMP + PHASE)) --out "$OUT/primary-failover" \
            --json "$OUT/primary-failover/failover.json"; then
            ran+=(primary-failover)
        else
            say "bench/chaos-failover.sh failed; see $OUT/primary-failover"
        fi
    else
        say "fault h (primary-failover): bench/chaos-failover.sh is not here; skipped"
    fi
fi
python3 bench/chaos-summary.py "$OUT" "${ran[@]}" >"$OUT/summary.json"
python3 bench/chaos-summary.py --markdown "$OUT" "${ran[@]}" >"$OUT/summary.md"
cat "$OUT/summary.md" >&2
say "summary: $OUT/summary.json, $OUT/summary.md; per fault: $OUT/<fault>/ (Gatling reports, ledgers, timelines, notes)"
