#!/usr/bin/env bash
# An unplanned primary failover under HTTP load, through Patroni: a local Patroni cluster
# (infrastructure/patroni/local-cluster.sh: etcd, a primary and two replicas, synchronous_mode),
# classbase in external mode on its multi-host URLs (targetServerType=primary for writes,
# preferSecondary for reads), the load journeys (bench/journeys.sh) at --users for --seconds, and a
# third of the way in the primary is killed hard: SIGKILL to the leader's Patroni and to its
# postmaster at once, as when its machine dies. Patroni promotes the synchronous standby once the
# leader key expires (ttl); the killed node's Patroni is then started again and must rejoin as a
# replica (pg_rewind).
#
# Figures: requests and failures per kind (the generators' counters), acknowledged writes, lost and
# duplicated ones (bench/ledger-check.sh against the new primary), seconds from the kill until writes
# succeed again and until reads go to a replica again, the longest second-long stretch without a
# successful read (from the per-second timelines), and whether the old primary rejoined. One JSON
# object to --json FILE (default OUT/summary.json), also printed.
#
# Usage: bench/chaos-failover.sh [--users 300] [--seconds 180] [--out target/chaos/failover]
#                                [--json FILE] [--fault failover|restart] [--ttl 6] [--loop-wait 1]
#   --ttl, --loop-wait: Patroni's leader key lifetime and loop (local-cluster.sh's defaults: 6, 1);
#   an unannounced failover takes ttl - loop_wait to ttl seconds plus a loop and the promotion.
#   --fault restart: SIGKILL only the leader's postmaster; Patroni restarts it in place (crash
#   recovery), no failover: the same figures for that fault.
# Everything it starts (the cluster in a folder of its own under /tmp, the server, the load
# generators) is stopped and deleted on exit and on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

say() { printf 'chaos-failover: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

USERS=300
RUN_SECONDS=180
OUT=target/chaos/failover
JSON_OUT=""
FAULT=failover
PASSWORD=classbase-demo
PER_GENERATOR=5000
SIGN_IN_BUDGET=100
SIGN_IN_RATE=20
SESSIONS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --users) USERS=${2:?--users needs a number}; shift 2 ;;
        --seconds) RUN_SECONDS=${2:?--seconds needs a number}; shift 2 ;;
        --out) OUT=${2:?--out needs a folder}; shift 2 ;;
        --json) JSON_OUT=${2:?--json needs a file}; shift 2 ;;
        --fault) FAULT=${2:?--fault needs failover or restart}; shift 2 ;;
        --ttl) export CLASSBASE_PATRONI_TTL=${2:?--ttl needs seconds}; shift 2 ;;
        --loop-wait) export CLASSBASE_PATRONI_LOOP_WAIT=${2:?--loop-wait needs seconds}; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
for n in "$USERS" "$RUN_SECONDS"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a positive whole number"
done
[ "$RUN_SECONDS" -ge 60 ] || die "--seconds must be at least 60 (the fault comes a third of the way in)"
case "$FAULT" in failover|restart) ;; *) die "--fault: failover or restart, not $FAULT" ;; esac
# the harness names generator files as $ROOT/$dir: OUT relative to the checkout
mkdir -p "$OUT"
OUT=$(realpath --relative-to="$ROOT" "$OUT")
JSON_OUT=${JSON_OUT:-$OUT/summary.json}

. bench/lib.sh
. bench/journeys.sh
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || die "no JDK 21 or newer found (set JAVA_HOME)"
need_package psql postgresql-client
need_package python3 python3-minimal
need_package patroni patroni
need_package etcd etcd-server

# --- everything started here is stopped on exit ------------------------------------------------
CLUSTER=""
SERVER_PID=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    for pid in $(jobs -p); do kill "$pid" 2>/dev/null || true; done
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM -- "-$SERVER_PID" 2>/dev/null || kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
    fi
    if [ -n "$CLUSTER" ]; then
        say "tearing the Patroni cluster down"
        infrastructure/patroni/local-cluster.sh down "$CLUSTER" >/dev/null || say "local-cluster.sh down $CLUSTER failed"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

rm -rf "$OUT"/{load,sign-in} "$OUT"/*.txt "$OUT"/*.log "$OUT"/*.json "$OUT"/accounts.csv "$OUT"/sessions.csv 2>/dev/null || true
mkdir -p "$OUT"

# --- 1. the cluster, the schema and the demo district --------------------------------------------
CLUSTER=$(mktemp -d /tmp/classbase-failover-XXXXXX)
rmdir "$CLUSTER" # local-cluster.sh makes it, readable by the postgres user
say "starting etcd and three Patroni nodes in $CLUSTER"
infrastructure/patroni/local-cluster.sh up "$CLUSTER" > "$OUT/cluster-up.log" 2>&1 \
    || { tail -n 20 "$OUT/cluster-up.log" >&2; die "local-cluster.sh up failed"; }
# shellcheck disable=SC1091
set -a; . "$CLUSTER/cluster.env"; set +a
export CLASSBASE_DATABASE_URL CLASSBASE_REPLICA_URLS PATRONICTL_CONFIG_FILE
# libpq's multi-host form for psql: whichever node is read-write
DB_URL="postgresql://classbase:$PATRONI_CLASSBASE_PASSWORD@$PATRONI_PG_HOSTS/classbase?target_session_attrs=read-write"
# the members as Patroni's REST API reports them (GET /cluster on the first node that answers)
members() {
    local u
    for u in ${PATRONI_REST_URLS//,/ }; do
        curl -fsS --max-time 1 "$u/cluster" 2>/dev/null && return 0
    done
    echo '{"members":[]}'
}
member_field() { # name field (role, state, address): one member's, or nothing
    members | python3 -c '
import json, sys
m = [x for x in json.load(sys.stdin)["members"] if x["name"] == sys.argv[1]]
x = m[0] if m else {}
x["address"] = "%s:%s" % (x.get("host"), x.get("port"))
print(x.get(sys.argv[2], ""))' "$1" "$2"
}
leader() { members | python3 -c 'import json,sys; print(next((x["name"] for x in json.load(sys.stdin)["members"] if x["role"]=="leader" and x["state"]=="running"), ""))'; }
say "cluster: $(members | python3 -c 'import json,sys; print(", ".join("%s %s (%s:%s)" % (x["name"], x["role"], x["host"], x["port"]) for x in json.load(sys.stdin)["members"]))')"

say "migrating and seeding the demo district (./classbase seed --scale demo --password-stdin)"
printf '%s\n' "$PASSWORD" | ./classbase seed --scale demo --password-stdin > "$OUT/seed.log" 2>&1 \
    || { tail -n 20 "$OUT/seed.log" >&2; die "seeding failed"; }

# --- 2. the server, in external mode on the multi-host URLs --------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
URL=http://127.0.0.1:$PORT
say "starting ./classbase serve on $URL (primary: targetServerType=primary over the three nodes; replicas: preferSecondary)"
CLASSBASE_AOT=off setsid ./classbase serve --port "$PORT" > "$OUT/server.log" 2>&1 < /dev/null &
SERVER_PID=$!
for _ in $(seq 1 240); do
    curl -fsS -o /dev/null --max-time 2 "$URL/actuator/health" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$OUT/server.log" >&2; die "the server exited"; }
    sleep 1
done
curl -fsS -o /dev/null --max-time 5 "$URL/actuator/health" || { tail -n 30 "$OUT/server.log" >&2; die "the server did not answer in 240 s"; }

PROCS=$OUT/processes
echo "classbase $SERVER_PID" > "$PROCS"
compile_journeys
sign_in_pass "$USERS"

# --- 3. the load, the fault, the rejoin ---------------------------------------------------------
LOAD=$OUT/load
mkdir -p "$LOAD"
gens=$(( (USERS + PER_GENERATOR - 1) / PER_GENERATOR ))
export_accounts "$USERS"
signing=$(deal_accounts "$LOAD" "$USERS" "$gens")
ramp=$(( RUN_SECONDS / 6 ))
[ "$ramp" -gt 30 ] && ramp=30
addresses=$(source_addresses "$USERS" "$signing" "$ramp" "$gens")
old_leader=$(leader)
[ -n "$old_leader" ] || die "no running leader before the fault"
say "load: $USERS users ($signing without a session), ramp ${ramp}s, ${RUN_SECONDS}s in all; fault '$FAULT' on $old_leader at $((RUN_SECONDS / 3))s"
load_start=$(date +%s.%N)
start_generators "$LOAD" "$USERS" "$ramp" "$((RUN_SECONDS - ramp))" "$gens" "$addresses"
( while :; do echo "$(date +%s) $(members | tr -d '\n')" >> "$OUT/members.txt"; sleep 1; done ) &
members_sampler=$!

sleep "$(python3 -c "import sys; print(max(0, $load_start + $RUN_SECONDS / 3 - float(sys.argv[1])))" "$(date +%s.%N)")"
patroni_pid=$(cat "$CLUSTER/$old_leader/pid")
postmaster_pid=$(head -n 1 "$CLUSTER/$old_leader/data/postmaster.pid")
kill_at=$(date +%s.%N)
if [ "$FAULT" = failover ]; then
    # Patroni first in the same call: a Patroni that outlives its postmaster restarts it in place
    kill -KILL -- "-$patroni_pid" "$postmaster_pid"
    say "killed $old_leader: Patroni (process group $patroni_pid) and postmaster $postmaster_pid"
else
    kill -KILL "$postmaster_pid"
    say "killed $old_leader's postmaster $postmaster_pid; its Patroni stays"
fi

new_leader=""
promoted_at=""
while [ -z "$new_leader" ] && python3 -c "import sys,time; sys.exit(0 if time.time() < $kill_at + 120 else 1)"; do
    l=$(leader)
    if [ -n "$l" ] && { [ "$l" != "$old_leader" ] || [ "$FAULT" = restart ]; }; then
        # for a restart: the same leader running again after its postmaster came back
        if [ "$FAULT" = failover ] || [ "$(head -n 1 "$CLUSTER/$old_leader/data/postmaster.pid" 2>/dev/null)" != "$postmaster_pid" ]; then
            new_leader=$l
            promoted_at=$(date +%s.%N)
        fi
    fi
    [ -n "$new_leader" ] || sleep 0.2
done
[ -n "$new_leader" ] && say "leader: $new_leader (seen $(python3 -c "print('%.1f' % ($promoted_at - $kill_at))") s after the kill)" \
    || say "no running leader 120 s after the kill"

rejoined=false
rejoin_s=null
if [ "$FAULT" = failover ]; then
    infrastructure/patroni/local-cluster.sh start "$old_leader" "$CLUSTER" >/dev/null
    restarted_at=$(date +%s.%N)
    say "started $old_leader's Patroni again; waiting for it to rejoin as a replica"
    for _ in $(seq 1 300); do
        role=$(member_field "$old_leader" role)
        state=$(member_field "$old_leader" state)
        if { [ "$role" = replica ] || [ "$role" = sync_standby ]; } && { [ "$state" = running ] || [ "$state" = streaming ]; }; then
            rejoined=true
            rejoin_s=$(python3 -c "print('%.1f' % ($(date +%s.%N) - $restarted_at))")
            break
        fi
        sleep 0.5
    done
    say "$old_leader rejoined: $rejoined (${rejoin_s} s after its Patroni started): $(member_field "$old_leader" role), $(member_field "$old_leader" state)"
fi

failed=0
for p in "${gen_pids[@]}"; do wait "$p" || failed=1; done
kill "$members_sampler" 2>/dev/null || true
wait "$members_sampler" 2>/dev/null || true
[ "$failed" = 0 ] || { tail -n 20 "$LOAD"/gatling-g*.log >&2; die "a Gatling run failed (logs in $LOAD)"; }
members | python3 -m json.tool > "$OUT/members-after.json" || true
infrastructure/patroni/local-cluster.sh status "$CLUSTER" > "$OUT/patronictl-after.txt" 2>&1 || true

# --- 4. figures ---------------------------------------------------------------------------------
say "checking the write ledgers against the new primary (bench/ledger-check.sh)"
leader_now=$(leader)
leader_host=$(member_field "$leader_now" address)
ledger_url="jdbc:postgresql://$leader_host/classbase?user=classbase&password=$PATRONI_CLASSBASE_PASSWORD"
set +e
bench/ledger-check.sh "$LOAD"/ledger-*.tsv --url "$ledger_url" > "$OUT/ledger-check.txt"
ledger_rc=$?
set -e
[ "$ledger_rc" -le 1 ] || die "the ledger check could not run (rc $ledger_rc)"
head -n 1 "$OUT/ledger-check.txt" >&2

python3 - "$LOAD" "$OUT/ledger-check.txt" "$kill_at" "$FAULT" "$old_leader" "${new_leader:-}" "${promoted_at:-}" \
    "$rejoined" "$rejoin_s" "$USERS" "$RUN_SECONDS" "${CLASSBASE_PATRONI_TTL:-6}" "${CLASSBASE_PATRONI_LOOP_WAIT:-1}" \
    > "$JSON_OUT" <<'PY'
import collections, glob, json, re, sys
load, ledger, kill_at, fault, old, new, promoted_at, rejoined, rejoin_s, users, seconds, ttl, loop_wait = sys.argv[1:]
kill_at = float(kill_at)
WRITES = {"enroll", "complete exercise", "submit assignment", "submission retry (own write)", "event batch", "grade submission"}

requests, failed = collections.Counter(), collections.Counter()
errors = collections.Counter()
for f in glob.glob(load + "/counters-g*.json"):
    c = json.load(open(f))
    requests.update(c["requests"])
    for k, v in c["errors"].items():
        kind, _, error = k.rpartition("|")
        failed[kind] += v
        errors[k] += v

# per second: ok/failed writes and reads, reads by source
t = collections.defaultdict(collections.Counter)
for f in glob.glob(load + "/timeline-g*.tsv"):
    for line in open(f):
        sec, kind, outcome, n = line.rstrip("\n").split("\t")
        sec, n = int(sec), int(n)
        if kind == "read source":
            t[sec]["source " + outcome] += n
        elif kind == "sign in":
            continue
        else:
            t[sec][("write " if kind in WRITES else "read ") + outcome] += n
k0 = int(kill_at)
last = max(t) if t else k0

def first_after(start, good):
    """Seconds from the kill to the first whole second from `start` on that is good, or None."""
    for s in range(start, last + 1):
        if good(t[s]):
            return s - k0
    return None

def longest_gap(ok):
    """The longest run of whole seconds after the kill with no success at all."""
    best = run = 0
    for s in range(k0 + 1, last + 1):
        run = run + 1 if not ok(t[s]) else 0
        best = max(best, run)
    return best

# writes are back at the first whole second after the kill with an acknowledged write (the
# timeline counts answers per second: one second's resolution)
writes_back = first_after(k0 + 1, lambda c: c["write ok"] > 0)
# replica reads: the first read a replica answered after the new leader was seen
promoted = int(float(promoted_at)) + 1 if promoted_at else k0 + 1
replica_back = first_after(promoted, lambda c: c["source replica"] > 0)
reads_gap = longest_gap(lambda c: c["read ok"] > 0)
writes_gap = longest_gap(lambda c: c["write ok"] > 0)
replica_gap = longest_gap(lambda c: c["source replica"] > 0)
# failures on the shared machine without any fault: the 30 s before the kill, per second
before = [s for s in t if k0 - 30 <= s < k0]
after = [s for s in t if k0 <= s <= k0 + 60]
read_failed_after = sum(t[s]["read failed"] for s in after)
write_failed_after = sum(t[s]["write failed"] for s in after)

first = open(ledger).readline()
m = re.search(r"checked (\d+) acknowledged writes .*: (\d+) lost, (\d+) duplicate", first)
acked, lost, dup = (int(x) for x in m.groups()) if m else (None, None, None)

print(json.dumps({
    "fault": "primary failover (Patroni)" if fault == "failover" else "primary postmaster killed, Patroni restarts it",
    "users": int(users),
    "seconds": int(seconds),
    "patroni": {"ttl": int(ttl), "loop_wait": int(loop_wait)},
    "killed": old,
    "new_leader": new or None,
    "leader_s": round(float(promoted_at) - kill_at, 1) if promoted_at else None,
    "requests": dict(sorted(requests.items())),
    "failed": dict(sorted((k, v) for k, v in failed.items() if v)),
    "errors": dict(sorted(errors.items())),
    "acked_writes": acked,
    "lost": lost,
    "duplicates": dup,
    "recovery_s": {
        "writes": writes_back,
        "replica_reads": replica_back,
        "longest_without_a_successful_write_s": writes_gap,
        "longest_without_a_successful_read_s": reads_gap,
        "longest_without_a_replica_read_s": replica_gap,
    },
    "failed_within_60s_of_the_kill": {"writes": write_failed_after, "reads": read_failed_after},
    "failed_in_the_30s_before_it": {
        "writes": sum(t[s]["write failed"] for s in before),
        "reads": sum(t[s]["read failed"] for s in before),
    },
    "old_primary_rejoined_as_replica": (rejoined == "true") if fault == "failover" else None,
    "rejoin_s": float(rejoin_s) if rejoin_s not in ("", "null") else None,
    "timeline": {str(s - k0): dict(t[s]) for s in range(k0 - 3, min(last, k0 + 25) + 1)},
}, indent=2))
PY
cat "$JSON_OUT"
say "summary: $JSON_OUT; ledger check: $OUT/ledger-check.txt; Gatling reports: $LOAD/gatling-g*/; server log: $OUT/server.log"
[ "$ledger_rc" = 0 ] || exit 1
