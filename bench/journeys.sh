# The load journeys' harness, shared by bench/capacity.sh and bench/chaos.sh (sourced, not run):
# compiling the Gatling module, exporting and dealing accounts, the sign-in pass, starting Gatling
# JVMs from several source addresses, and sampling connections and processes.
#
# The caller defines say and die, and sets ROOT (the checkout), OUT (its output directory), URL (the
# server under load), DB_URL (the database's owner), PASSWORD (the accounts'), PER_GENERATOR (users
# per Gatling JVM), SIGN_IN_BUDGET (the server's sign-ins per address a minute), SIGN_IN_RATE
# (sign-ins a second in the sign-in pass), PROCS (a file of "name pid" lines to sample) and,
# optionally, SESSIONS (a sessions.csv of an earlier sign-in pass).

need_package() { # command package
    command -v "$1" >/dev/null 2>&1 && return 0
    say "$1 is missing: installing the OS package $2 (apt-get)"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get install -y -q "$2" >/dev/null || die "could not install $2; install it and retry"
}

# --- the journeys: compiled once, run by Gatling's main in as many JVMs as a step needs -----------
compile_journeys() {
    say "compiling the load journeys (bench/pom.xml)"
    ./mvnw -q -B -ntp -f bench/pom.xml test-compile dependency:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null 2>"$OUT/build.log" \
        || { tail -n 20 "$OUT/build.log" >&2; die "the bench module does not build"; }
    CLASSPATH_BENCH="$ROOT/bench/target/test-classes:$(cat bench/target/bench.classpath)"
    # what gatling-maven-plugin gives Gatling's JVM: its log writer reads String internals
    GATLING_JVM="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12"
}

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
# ticks (utime + stime), RSS kB and open files of a pid and its descendants
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
    fds = 0
    for pid in want:
        if pid in procs:
            ticks += procs[pid][1]; rss += procs[pid][2]
            try:
                fds += len(os.listdir("/proc/%d/fd" % pid))
            except OSError:
                pass
    print(root, ticks, rss, fds)
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

# --- the sign-in pass: $1 accounts sign in once (open model at SIGN_IN_RATE a second); their
# sessions go to $OUT/sessions.csv (mode 0600), and SESSIONS names it. With SESSIONS set already,
# only the accounts without one sign in, and the file holds both.
sign_in_pass() {
    local max_users=$1 sign_dir ramp gens addresses failed p usage_sampler
    sign_dir=$OUT/sign-in
    rm -rf "$sign_dir"; mkdir -p "$sign_dir"
    export_accounts "$max_users"
    local earlier=""
    if [ -n "${SESSIONS:-}" ]; then
        # only the accounts of the first $max_users that have no session yet
        earlier=$sign_dir/earlier-sessions.csv
        (umask 077; cp "$SESSIONS" "$earlier")
        max_users=$(python3 - "$OUT/accounts.csv" "$max_users" "$earlier" <<'PY'
import csv, sys
path, n, sessions = sys.argv[1], int(sys.argv[2]), sys.argv[3]
have = {r["email"] for r in csv.DictReader(open(sessions))}
with open(path) as f:
    reader = csv.DictReader(f)
    fields, rows = reader.fieldnames, list(reader)
without = [r for r in rows if r["email"] not in have]
with open(path, "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(without)
print(sum(1 for r in rows[:n] if r["email"] not in have))
PY
)
        SESSIONS=""
        say "$max_users accounts have no session in $earlier"
        [ "$max_users" -gt 0 ] || { (umask 077; cp "$earlier" "$OUT/sessions.csv"); SESSIONS=$OUT/sessions.csv; return 0; }
    fi
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
    (umask 077; { echo "email,token"; [ -z "$earlier" ] || tail -n +2 "$earlier"
        for f in "$sign_dir"/sessions-g*.csv; do [ -e "$f" ] && tail -n +2 "$f"; done; } > "$OUT/sessions.csv")
    SESSIONS=$OUT/sessions.csv
    say "signed in: $(( $(wc -l < "$SESSIONS") - 1 )) accounts have a session ($SESSIONS)"
}
