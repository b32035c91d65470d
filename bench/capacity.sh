#!/usr/bin/env bash
# Capacity of a classbase deployment under the load journeys (Gatling, bench/src/test/java): one
# step per number of concurrent users, each a closed-model run of `--ramp` seconds of ramp and
# `--duration` seconds at full strength. Per step: throughput, p50/p95/p99 and errors per request
# kind, the most server connections seen on the primary and on each replica (pg_stat_activity,
# sampled every 2 s), the share of reads the servers sent to replicas (their Classbase-Read-Source
# answers), read-your-writes violations, and CPU and memory of every process. Writes
# target/capacity/summary.json (one object per step), keeps each generator's Gatling HTML report
# under target/capacity/step-<users>/gatling-g<n>/, and checks the write ledgers against the database at the end.
#
# Usage: bench/capacity.sh [--users N] [--steps N[:S],N[:S],...] [--duration S] [--ramp S]
#                          [--url URL --db-url postgresql://... [--replica-urls U1,U2]]
#                          [--password-stdin] [--users-per-generator N] [--sign-in-budget N]
#                          [--sign-in-rate N] [--sessions FILE] [--sign-in-only] [--data-dir DIR] [--out DIR]
#   without --url: bench/topology.sh up (HAProxy, app instances, PgBouncer, primary, replicas),
#   torn down on exit or Ctrl-C; with --url: only that server is loaded, --db-url (the database's
#   owner) exports the accounts and is sampled, with --replica-urls.
#   --password-stdin: the accounts' password from standard input (default: the demo password).
#   Accounts: distinct seeded users (./classbase seed --scale M [--password-stdin]).
#   Load generators: one Gatling JVM per --users-per-generator users (default 5000), each from its
#   own 127.0.0.x source addresses (sign-ins per address stay under --sign-in-budget a minute, the
#   server's classbase.sign-in.address-attempts, default 100; and at most 10,000 connections an
#   address, well inside the local port range).
#   Sessions: before the first step every account of the largest step signs in once (bcrypt makes a
#   sign-in the dearest request: --sign-in-rate a second, default 20, from as many addresses as the
#   budget needs), and the steps use those sessions (12 hours, a school day), as people who signed
#   in earlier in the day; an account without one signs in at its step's start. --sessions FILE
#   reuses the sessions.csv of an earlier run against the same database; --sign-in-only stops
#   after the sign-in pass (with --sessions: signs in the accounts that have none yet).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

say() { printf 'capacity: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

USERS=10000
STEPS=""
DURATION=300
RAMP=""
URL=""
DB_URL=""
REPLICA_URLS=""
PASSWORD=classbase-demo
PER_GENERATOR=5000
SIGN_IN_BUDGET=100
SIGN_IN_RATE=20
SESSIONS=""
SIGN_IN_ONLY=""
DATA_DIR=""
OUT=target/capacity
while [ $# -gt 0 ]; do
    case "$1" in
        --users) USERS=${2:?--users needs a number}; shift 2 ;;
        --steps) STEPS=${2:?--steps needs a list}; shift 2 ;;
        --duration) DURATION=${2:?--duration needs seconds}; shift 2 ;;
        --ramp) RAMP=${2:?--ramp needs seconds}; shift 2 ;;
        --url) URL=${2:?--url needs a URL}; shift 2 ;;
        --db-url) DB_URL=${2:?--db-url needs a postgresql:// URL}; shift 2 ;;
        --replica-urls) REPLICA_URLS=${2:?--replica-urls needs URLs}; shift 2 ;;
        --password-stdin) IFS= read -r PASSWORD || die "--password-stdin: standard input had no password"; shift ;;
        --users-per-generator) PER_GENERATOR=${2:?}; shift 2 ;;
        --sign-in-budget) SIGN_IN_BUDGET=${2:?}; shift 2 ;;
        --sign-in-rate) SIGN_IN_RATE=${2:?}; shift 2 ;;
        --sessions) SESSIONS=${2:?--sessions needs a file}; shift 2 ;;
        --sign-in-only) SIGN_IN_ONLY=1; shift ;;
        --data-dir) DATA_DIR=${2:?--data-dir needs the embedded cluster folder}; shift 2 ;;
        --out) OUT=${2:?}; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
STEPS=${STEPS:-$USERS}
[ -z "$SESSIONS" ] || [ -r "$SESSIONS" ] || die "--sessions $SESSIONS: no such file"
for n in $(echo "${STEPS//,/ }" | tr ':' ' ') "$DURATION" "$PER_GENERATOR" "$SIGN_IN_BUDGET" "$SIGN_IN_RATE" ${RAMP:+"$RAMP"}; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a positive whole number"
done

# --- tools: a JDK, psql, python3 (the summary); installed from the OS packages when missing -------
. bench/lib.sh
. bench/journeys.sh
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || die "no JDK 21 or newer found (set JAVA_HOME)"
need_package psql postgresql-client
need_package python3 python3-minimal

# --- the system under load ---------------------------------------------------------------------
PIDS_FILE=""
TOPOLOGY_UP=""
cleanup() {
    local rc=$?
    for pid in $(jobs -p); do kill "$pid" 2>/dev/null || true; done
    if [ -n "$TOPOLOGY_UP" ]; then
        say "tearing the topology down"
        bench/topology.sh down || say "bench/topology.sh down failed; see target/topology/"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

port_of() { python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p.port or (443 if p.scheme == "https" else 80 if p.scheme == "http" else 5432))' "$1"; }
mkdir -p "$OUT"
rm -f "$OUT"/gc-*.log
if [ -z "$URL" ]; then
    # the instances' heap after each collection, for the step's time series (JDK unified logging)
    export CLASSBASE_JAVA_OPTS="${CLASSBASE_JAVA_OPTS:-} -Xlog:gc:file=$ROOT/$OUT/gc-%p.log:utctime"
    [ -x bench/topology.sh ] || die "bench/topology.sh is missing: give --url URL --db-url URL to load a running server"
    say "starting the topology (bench/topology.sh up)"
    TOPOLOGY_UP=1
    # one HAProxy process per 9,000 clients: each needs two descriptors a client, within the
    # open-file limit (ulimit -n), and they share the port (SO_REUSEPORT)
    top=0
    for users in ${STEPS//,/ }; do users=${users%%:*}; [ "$users" -gt "$top" ] && top=$users; done
    bench/topology.sh up ${DATA_DIR:+--data-dir "$DATA_DIR"} --lb-processes $(( (top + 8999) / 9000 )) \
        || die "bench/topology.sh up failed"
    # shellcheck disable=SC1091
    . target/topology/topology.env
    URL=$CLASSBASE_URL
    DB_URL=$PRIMARY_URL
    REPLICA_URLS=${REPLICA_URLS:-}
    PIDS_FILE=target/topology/pids
else
    [ -n "$DB_URL" ] || die "--url needs --db-url (the database, to export the accounts and sample connections)"
fi
curl -fsS -o /dev/null --max-time 10 "$URL/actuator/health" || die "nothing answers at $URL/actuator/health"
psql "$DB_URL" -Atqc 'select 1' >/dev/null || die "cannot connect to --db-url"

# processes to sample: the topology's pids file, or whoever listens on the server's and databases' ports
PROCS=$OUT/processes
mkdir -p "$OUT"
: > "$PROCS"
if [ -n "$PIDS_FILE" ]; then
    cp "$PIDS_FILE" "$PROCS"
else
    listener() { ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1; }
    i=0
    for u in "$URL" "$DB_URL" ${REPLICA_URLS//,/ }; do
        pid=$(listener "$(port_of "$u")")
        case $i in 0) name=classbase ;; 1) name=postgres-primary ;; *) name=postgres-replica$((i - 1)) ;; esac
        [ -n "$pid" ] && echo "$name $pid" >> "$PROCS"
        i=$((i + 1))
    done
fi

compile_journeys


max_users=0
for users in ${STEPS//,/ }; do users=${users%%:*}; [ "$users" -gt "$max_users" ] && max_users=$users; done
if [ -n "$SIGN_IN_ONLY" ]; then
    sign_in_pass "$max_users" # with --sessions: the accounts that have none yet
    exit 0
fi
[ -n "$SESSIONS" ] || sign_in_pass "$max_users"

# After a step: is the system back to normal once the load has gone? A catalog read every quarter
# second for 20 s with one of the sessions; back = every answer from then on 200 within 100 ms.
after_step_probe() { # step_dir
    python3 - "$URL" "$SESSIONS" > "$1/after-step.json" <<'PY'
import csv, json, sys, time, urllib.request, urllib.error
url, sessions = sys.argv[1], sys.argv[2]
token = next(csv.DictReader(open(sessions)))["token"]
samples, start = [], time.time()
while time.time() - start < 20:
    t = time.time()
    req = urllib.request.Request(url + "/api/v1/courses?limit=20", headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read(); status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    except Exception:
        status = 0
    samples.append((round(t - start, 2), status, round((time.time() - t) * 1000, 1)))
    time.sleep(max(0, 0.25 - (time.time() - t)))
back = None
for i in range(len(samples)):
    if all(s == 200 and ms <= 100 for _, s, ms in samples[i:]):
        back = samples[i][0]
        break
print(json.dumps({"back_to_normal_s": back, "probes": len(samples),
                  "non_200": sum(1 for _, s, _ in samples if s != 200),
                  "max_ms": max(ms for _, _, ms in samples)}))
PY
}

# --- steps --------------------------------------------------------------------------------------
summary_steps=()
for step in ${STEPS//,/ }; do
    users=${step%%:*}
    duration=$DURATION
    [ "$step" = "$users" ] || duration=${step#*:}
    step_dir=$OUT/step-$users
    rm -rf "$step_dir"; mkdir -p "$step_dir"
    gens=$(( (users + PER_GENERATOR - 1) / PER_GENERATOR ))
    export_accounts "$users"
    signing=$(deal_accounts "$step_dir" "$users" "$gens")
    ramp=${RAMP:-$(( signing / SIGN_IN_RATE > 60 ? signing / SIGN_IN_RATE : 60 ))}
    addresses=$(source_addresses "$users" "$signing" "$ramp" "$gens")
    [ "$addresses" -gt 250 ] && die "step $users: $addresses source addresses needed; lengthen --ramp"
    say "step $users users ($signing without a session): ramp ${ramp}s, ${duration}s steady, $gens Gatling JVM(s), $addresses source address(es) 127.0.0.10-$((9 + addresses))"
    conn_urls=("$DB_URL")
    for r in ${REPLICA_URLS//,/ }; do conn_urls+=("$r"); done
    sample_connections "$step_dir/connections.txt" "${conn_urls[@]}" &
    conn_sampler=$!
    # the primary's WAL and commits over the step, for the capacity model (writes per second, WAL
    # bytes per write: the primary's share that one server has to carry)
    primary_counts() { psql "$DB_URL" -Atqc "select pg_current_wal_lsn(), (select xact_commit from pg_stat_database where datname = current_database()), extract(epoch from now())" -F ' '; }
    read -r lsn0 commits0 t0 <<< "$(primary_counts)"
    start_generators "$step_dir" "$users" "$ramp" "$duration" "$gens" "$addresses"
    cat "$PROCS" >> "$step_dir/processes"
    # shellcheck disable=SC2046
    sample_processes "$step_dir/usage.txt" $(awk '{print $2}' "$step_dir/processes") &
    usage_sampler=$!
    failed=0
    for p in "${gen_pids[@]}"; do wait "$p" || failed=1; done
    kill "$conn_sampler" "$usage_sampler" 2>/dev/null || true
    wait "$conn_sampler" "$usage_sampler" 2>/dev/null || true
    [ "$failed" = 0 ] || { tail -n 20 "$step_dir"/gatling-g*.log >&2; die "step $users: a Gatling run failed (logs in $step_dir)"; }
    read -r lsn1 commits1 t1 <<< "$(primary_counts)"
    psql "$DB_URL" -Atqc "select json_build_object('wal_bytes', pg_wal_lsn_diff('$lsn1', '$lsn0'), 'commits', $commits1 - $commits0, 'seconds', round(($t1 - $t0)::numeric, 1))" > "$step_dir/primary.json"
    after_step_probe "$step_dir"
    python3 bench/capacity-timeseries.py "$step_dir" "$OUT" "$ramp" > "$step_dir/trend.json" \
        || say "step $users: no time series (see $step_dir)"
    summary_steps+=("$users:$ramp:$gens:$addresses:$duration")
    python3 bench/capacity-summary.py "$OUT" "${summary_steps[@]}" > "$OUT/summary.json"
    say "step $users done: $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))[-1]; print("%d requests, %d errors, p99 %s ms, primary connections max %s, replica read share %s, ryw violations %d" % (s["requests"], s["errors"], s["p99_ms"], s["primary_connections_max"], s["replica_read_share"], s["ryw_violations"]))' "$OUT/summary.json")"
done

python3 bench/capacity-plot.py "$OUT/summary.json" "$OUT"
say "summary: $OUT/summary.json; plots: $OUT/capacity-{latency,throughput,cpu}.svg; reports: $OUT/step-*/gatling-g*/*/index.html"
# in the order they were written (a later grade of a submission replaces an earlier one), not by name
mapfile -t ledgers < <(ls -tr "$OUT"/step-*/ledger-*.tsv 2>/dev/null)
if [ "${#ledgers[@]}" -gt 0 ] && [ -e "${ledgers[0]}" ]; then
    say "checking the write ledgers against the database (bench/ledger-check.sh)"
    bench/ledger-check.sh "${ledgers[@]}" --url "$DB_URL" | tee "$OUT/ledger-check.txt"
fi
