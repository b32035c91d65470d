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
# Usage: bench/capacity.sh [--users N] [--steps N,N,...] [--duration S] [--ramp S]
#                          [--url URL --db-url postgresql://... [--replica-urls U1,U2]]
#                          [--password-stdin] [--users-per-generator N] [--sign-in-budget N]
#                          [--sign-in-rate N] [--sessions FILE] [--data-dir DIR] [--out DIR]
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
#   reuses the sessions.csv of an earlier run against the same database.
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
        --data-dir) DATA_DIR=${2:?--data-dir needs the embedded cluster folder}; shift 2 ;;
        --out) OUT=${2:?}; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
STEPS=${STEPS:-$USERS}
[ -z "$SESSIONS" ] || [ -r "$SESSIONS" ] || die "--sessions $SESSIONS: no such file"
for n in ${STEPS//,/ } "$DURATION" "$PER_GENERATOR" "$SIGN_IN_BUDGET" "$SIGN_IN_RATE" ${RAMP:+"$RAMP"}; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a positive whole number"
done

# --- tools: a JDK, psql, python3 (the summary); installed from the OS packages when missing -------
. bench/lib.sh
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || die "no JDK 21 or newer found (set JAVA_HOME)"
need_package() { # command package
    command -v "$1" >/dev/null 2>&1 && return 0
    say "$1 is missing: installing the OS package $2 (apt-get)"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get install -y -q "$2" >/dev/null || die "could not install $2; install it and retry"
}
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
if [ -z "$URL" ]; then
    [ -x bench/topology.sh ] || die "bench/topology.sh is missing: give --url URL --db-url URL to load a running server"
    say "starting the topology (bench/topology.sh up)"
    TOPOLOGY_UP=1
    bench/topology.sh up ${DATA_DIR:+--data-dir "$DATA_DIR"} || die "bench/topology.sh up failed"
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

# --- the journeys: compiled once, run by Gatling's main in as many JVMs as a step needs -----------
say "compiling the load journeys (bench/pom.xml)"
./mvnw -q -B -ntp -f bench/pom.xml test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null 2>"$OUT/build.log" \
    || { tail -n 20 "$OUT/build.log" >&2; die "the bench module does not build"; }
CLASSPATH_BENCH="$ROOT/bench/target/test-classes:$(cat bench/target/bench.classpath)"
# what gatling-maven-plugin gives Gatling's JVM: its log writer reads String internals
GATLING_JVM="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12"

# accounts: exported again before every step, since a step's submissions use up assignments
export_accounts() { # users
    local n=$1
    psql "$DB_URL" -q -v students=$((n * 105 / 100 + 10)) -v teachers=$((n * 15 / 100 + 10)) \
        -v admins=$((n * 4 / 100 + 10)) -f bench/accounts.sql > "$OUT/accounts.csv"
    local have=$(($(wc -l < "$OUT/accounts.csv") - 1))
    [ "$have" -ge "$n" ] || die "the database has $have usable accounts, fewer than $n users: seed a larger scale"
    python3 - "$OUT/accounts.csv" "$n" <<'PY' >&2
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1])))[: int(sys.argv[2])]
c = collections.Counter(r["role"] for r in rows)
print("capacity: accounts: %s" % ", ".join("%s %d (%.1f %%)" % (k, v, 100 * v / len(rows)) for k, v in sorted(c.items())))
PY
}

# --- sampling: server connections per database, CPU and RSS per process tree ---------------------
sample_connections() { # file url...
    local file=$1; shift
    while :; do
        local line=""
        for u in "$@"; do
            # the sampler's own connection is not the load's
            line+="$(psql "$u" -Atqc "select count(*) - 1 from pg_stat_activity where backend_type = 'client backend'" 2>/dev/null || echo -1) "
        done
        echo "$(date +%s) $line" >> "$file"
        sleep 2
    done
}
# ticks (utime + stime, children included) and RSS kB of a pid and its descendants
tree_usage() {
    python3 - "$@" <<'PY'
import os, sys
procs = {}
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            f = open("/proc/%s/stat" % p).read()
            rest = f[f.rindex(")") + 2:].split()
            procs[int(p)] = (int(rest[1]), int(rest[11]) + int(rest[12]), int(rest[21]) * os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, ValueError):
            pass
for root in sys.argv[1:]:
    want, ticks, rss = {int(root)}, 0, 0
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _, _) in procs.items():
            if ppid in want and pid not in want:
                want.add(pid); changed = True
    for pid in want:
        if pid in procs:
            ticks += procs[pid][1]; rss += procs[pid][2]
    print(root, ticks, rss)
PY
}
sample_processes() { # file pid...
    local file=$1; shift
    while :; do
        echo "T $(date +%s.%N)" >> "$file"
        tree_usage "$@" >> "$file"
        sleep 2
    done
}

# --- steps --------------------------------------------------------------------------------------
# --- sessions: every account of the largest step signs in once, before the first step ------------
# Gatling JVMs: $1 directory, $2 users, $3 ramp, $4 duration, $5 generators, $6 addresses, then
# extra -D options. Starts them in the background; their pids in gen_pids.
start_generators() {
    local dir=$1 n=$2 ramp=$3 duration=$4 gens=$5 addresses=$6 g a per_gen addr_list
    shift 6
    gen_pids=()
    for g in $(seq 1 "$gens"); do
        per_gen=$(( (n + gens - g) / gens ))
        addr_list=""
        for a in $(seq 0 $((addresses - 1))); do
            [ $(( a % gens )) -eq $((g - 1)) ] && addr_list+="${addr_list:+,}127.0.0.$((10 + a))"
        done
        (ulimit -n "$(ulimit -Hn)"; exec "$JAVA_HOME/bin/java" -Xms512m -Xmx1g -XX:+UseParallelGC $GATLING_JVM \
            -cp "$CLASSPATH_BENCH" \
            -Dbench.url="$URL" -Dbench.accounts="$ROOT/$dir/accounts-g$g.csv" -Dbench.password="$PASSWORD" \
            -Dbench.users="$per_gen" -Dbench.ramp="$ramp" -Dbench.duration="$duration" \
            -Dbench.out="$ROOT/$dir" -Dbench.generator="g$g" -Dbench.localAddresses="$addr_list" "$@" \
            io.gatling.app.Gatling -s dev.classbase.bench.load.ClassbaseJourneys \
            -rf "$ROOT/$dir/gatling-g$g" -rd "$n users, generator $g of $gens" \
            > "$dir/gatling-g$g.log" 2>&1) &
        gen_pids+=($!)
        echo "gatling-g$g $!" >> "$dir/processes"
    done
}

# the accounts file's first $2 rows (and a fifth more: a user whose sign-in fails for good is
# replaced by the next account) dealt to $3 generators in the mix's order, each row with its session
# from $SESSIONS when there is one; prints how many of the first $2 have none
deal_accounts() { # dir users generators
    python3 - "$OUT/accounts.csv" "$2" "$3" "$1" "${SESSIONS:-}" <<'PY'
import csv, os, sys
src, users, g, out, sessions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
tokens = {}
if sessions:
    with open(sessions) as f:
        tokens = {r["email"]: r["token"] for r in csv.DictReader(f)}
with open(src) as f:
    reader = csv.DictReader(f)
    fields = [c for c in reader.fieldnames if c != "token"] + ["token"]
    rows = list(reader)[: users * 6 // 5]
for r in rows:
    r["token"] = tokens.get(r["email"], "")
os.umask(0o077)
for i in range(g):
    with open("%s/accounts-g%d.csv" % (out, i + 1), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows[i::g])
print(sum(1 for r in rows[:users] if not r["token"]))
PY
}

# source addresses for $1 users of whom $2 sign in over $3 seconds, from $4 generators: sign-ins per
# address per minute at most half the budget (room for retries after a 503 or 429), and at most
# 10,000 connections an address
source_addresses() {
    local users=$1 signing=$2 ramp=$3 gens=$4 per_address addresses
    per_address=$(( SIGN_IN_BUDGET * ramp / 120 ))
    [ "$per_address" -lt 1 ] && per_address=1
    addresses=$(( (signing + per_address - 1) / per_address ))
    [ "$addresses" -lt $(( (users + 9999) / 10000 )) ] && addresses=$(( (users + 9999) / 10000 ))
    [ "$addresses" -lt "$gens" ] && addresses=$gens
    echo "$addresses"
}

max_users=0
for users in ${STEPS//,/ }; do [ "$users" -gt "$max_users" ] && max_users=$users; done
if [ -z "$SESSIONS" ]; then
    sign_dir=$OUT/sign-in
    rm -rf "$sign_dir"; mkdir -p "$sign_dir"
    export_accounts "$max_users"
    ramp=$(( (max_users + SIGN_IN_RATE - 1) / SIGN_IN_RATE ))
    [ "$ramp" -lt 10 ] && ramp=10
    gens=$(( (max_users + PER_GENERATOR - 1) / PER_GENERATOR ))
    deal_accounts "$sign_dir" "$max_users" "$gens" >/dev/null
    addresses=$(source_addresses "$max_users" "$max_users" "$ramp" "$gens")
    [ "$addresses" -gt 250 ] && die "sign-in: $addresses source addresses needed; lower --sign-in-rate"
    say "signing $max_users accounts in: ${SIGN_IN_RATE}/s over ${ramp}s, $gens Gatling JVM(s), $addresses source address(es)"
    cat "$PROCS" > "$sign_dir/processes"
    start_generators "$sign_dir" "$max_users" "$ramp" 60 "$gens" "$addresses" -Dbench.signInOnly=true
    # shellcheck disable=SC2046
    sample_processes "$sign_dir/usage.txt" $(awk '{print $2}' "$sign_dir/processes") &
    usage_sampler=$!
    failed=0
    for p in "${gen_pids[@]}"; do wait "$p" || failed=1; done
    kill "$usage_sampler" 2>/dev/null || true
    wait "$usage_sampler" 2>/dev/null || true
    [ "$failed" = 0 ] || { tail -n 20 "$sign_dir"/gatling-g*.log >&2; die "sign-in: a Gatling run failed (logs in $sign_dir)"; }
    (umask 077; { echo "email,token"; for f in "$sign_dir"/sessions-g*.csv; do [ -e "$f" ] && tail -n +2 "$f"; done; } > "$OUT/sessions.csv")
    SESSIONS=$OUT/sessions.csv
    say "signed in: $(( $(wc -l < "$SESSIONS") - 1 )) of $max_users accounts have a session ($SESSIONS)"
fi

# --- steps --------------------------------------------------------------------------------------
summary_steps=()
for users in ${STEPS//,/ }; do
    step_dir=$OUT/step-$users
    rm -rf "$step_dir"; mkdir -p "$step_dir"
    gens=$(( (users + PER_GENERATOR - 1) / PER_GENERATOR ))
    export_accounts "$users"
    signing=$(deal_accounts "$step_dir" "$users" "$gens")
    ramp=${RAMP:-$(( signing / SIGN_IN_RATE > 60 ? signing / SIGN_IN_RATE : 60 ))}
    addresses=$(source_addresses "$users" "$signing" "$ramp" "$gens")
    [ "$addresses" -gt 250 ] && die "step $users: $addresses source addresses needed; lengthen --ramp"
    say "step $users users ($signing without a session): ramp ${ramp}s, ${DURATION}s steady, $gens Gatling JVM(s), $addresses source address(es) 127.0.0.10-$((9 + addresses))"
    conn_urls=("$DB_URL")
    for r in ${REPLICA_URLS//,/ }; do conn_urls+=("$r"); done
    sample_connections "$step_dir/connections.txt" "${conn_urls[@]}" &
    conn_sampler=$!
    start_generators "$step_dir" "$users" "$ramp" "$DURATION" "$gens" "$addresses"
    cat "$PROCS" >> "$step_dir/processes"
    # shellcheck disable=SC2046
    sample_processes "$step_dir/usage.txt" $(awk '{print $2}' "$step_dir/processes") &
    usage_sampler=$!
    failed=0
    for p in "${gen_pids[@]}"; do wait "$p" || failed=1; done
    kill "$conn_sampler" "$usage_sampler" 2>/dev/null || true
    wait "$conn_sampler" "$usage_sampler" 2>/dev/null || true
    [ "$failed" = 0 ] || { tail -n 20 "$step_dir"/gatling-g*.log >&2; die "step $users: a Gatling run failed (logs in $step_dir)"; }
    summary_steps+=("$users:$ramp:$gens:$addresses")
    python3 bench/capacity-summary.py "$OUT" "${summary_steps[@]}" --duration "$DURATION" > "$OUT/summary.json"
    say "step $users done: $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))[-1]; print("%d requests, %d errors, p99 %s ms, primary connections max %s, replica read share %s, ryw violations %d" % (s["requests"], s["errors"], s["p99_ms"], s["primary_connections_max"], s["replica_read_share"], s["ryw_violations"]))' "$OUT/summary.json")"
done

python3 bench/capacity-plot.py "$OUT/summary.json" "$OUT"
say "summary: $OUT/summary.json; plots: $OUT/capacity-{latency,throughput,cpu}.svg; reports: $OUT/step-*/gatling-g*/*/index.html"
ledgers=("$OUT"/step-*/ledger-*.tsv)
if [ -e "${ledgers[0]}" ]; then
    say "checking the write ledgers against the database (bench/ledger-check.sh)"
    bench/ledger-check.sh "${ledgers[@]}" --url "$DB_URL" | tee "$OUT/ledger-check.txt"
fi
