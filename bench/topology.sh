#!/usr/bin/env bash
# The scale-out topology on one machine, from real parts:
#
#   HAProxy (readiness checks, keep-alive reuse) -> N x ./classbase serve (external mode, Redis)
#     -> PgBouncer (transaction pooling) per server -> PostgreSQL primary + streaming replicas
#        (./classbase db start: postmasters on their own, shared by the instances)
#
#   bench/topology.sh up [--instances 2] [--replicas 2] [--data-dir DIR] [--lb-processes N]
#   bench/topology.sh status
#   bench/topology.sh restart NAME   (NAME from the pids file: app1, redis, pgbouncer-replica1, ...,
#                                    postgres-* starts every missing server again)
#   bench/topology.sh down
#
# `up` installs haproxy, pgbouncer and redis-server with apt when they are missing (and says so),
# --lb-processes runs N HAProxy processes on one port (SO_REUSEPORT: N times the clients one
# process's open-file limit allows), waits until HAProxy reports every instance up, and writes $TOPOLOGY_DIR/topology.env (shell
# KEY=value: CLASSBASE_URL, INSTANCE_URLS, PRIMARY_URL, REPLICA_URLS, PGBOUNCER_URLS, REDIS_URL;
# mode 0600, it holds passwords) and $TOPOLOGY_DIR/pids (`name pid` per process). `down` stops
# everything `up` started, also after a Ctrl-C of `up`, and checks that no process is left.
# `restart` starts a process that died (or was killed) again with the command, configuration and
# environment `up` gave it, on the same port, and writes its new pid to the pids file (fault
# injection: bench/chaos.sh).
#
# Environment: CLASSBASE_TOPOLOGY_DIR (default target/topology), CLASSBASE_CMD (how to run
# classbase; default ./classbase), CLASSBASE_JAVA_OPTS (the instances' JVM options).
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "$0")/.." && pwd)
DIR=${CLASSBASE_TOPOLOGY_DIR:-$ROOT/target/topology}
CB=${CLASSBASE_CMD:-$ROOT/classbase}
PIDS=$DIR/pids
ENV_FILE=$DIR/topology.env
READY_TIMEOUT=${CLASSBASE_TOPOLOGY_TIMEOUT:-300}

say() { printf 'topology: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# A free port below the ephemeral range (net.ipv4.ip_local_port_range): no outgoing connection can
# hold it when a killed process is started again on it.
free_port() {
    python3 -c '
import random, socket
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    low = 32768
for _ in range(200):
    port = random.randrange(max(1024, low - 12000), low)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        print(port)
        break
    except OSError:
        pass
    finally:
        s.close()
else:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
'
}

# Installs the OS packages the topology runs, when missing and when we may (root or sudo).
ensure_packages() {
    local missing="" pkg
    for pkg in haproxy pgbouncer redis-server; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
    done
    [ -z "$missing" ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    say "installing with apt:$missing"
    $sudo apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# `name pid` in the pids file, replacing an earlier pid of that name (a restart)
record() {
    if grep -q "^$1 " "$PIDS" 2>/dev/null; then
        local tmp=$PIDS.tmp
        awk -v n="$1" -v p="$2" '$1 == n { $2 = p } { print }' "$PIDS" >"$tmp" && mv "$tmp" "$PIDS"
    else
        printf '%s %s\n' "$1" "$2" >>"$PIDS"
    fi
}

alive() { [ -n "${1:-}" ] && [ "$1" != 0 ] && kill -0 "$1" 2>/dev/null; }

# Waits up to $2 seconds for pid $1 to exit; then SIGKILL.
await_exit() {
    local pid=$1 waited=0
    while alive "$pid" && [ "$waited" -lt $(( $2 * 10 )) ]; do sleep 0.1; waited=$((waited + 1)); done
    if alive "$pid"; then
        say "pid $pid did not stop within $2 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
}

down() {
    trap - INT TERM EXIT
    [ -f "$PIDS" ] || { say "nothing recorded in $PIDS"; return 0; }
    local name pid
    # the front first, the database last: nothing sees its back end vanish while it still serves
    for pattern in 'haproxy*' 'app*' 'pgbouncer-*' redis; do
        while read -r name pid; do
            # shellcheck disable=SC2053
            [[ $name == $pattern ]] || continue
            if alive "$pid"; then
                case $name in
                    pgbouncer-*) kill -INT "$pid" 2>/dev/null || true ;; # PgBouncer's safe shutdown
                    *) kill -TERM "$pid" 2>/dev/null || true ;;        # instances: graceful shutdown
                esac
                await_exit "$pid" 40
            fi
        done <"$PIDS"
    done
    local data
    data=$(cat "$DIR/data-dir" 2>/dev/null || sed -n 's/^DATA_DIR=//p' "$DIR/db.env" 2>/dev/null || true)
    if [ -n "$data" ]; then
        $CB db stop --data-dir "$data" >/dev/null 2>&1 || true
    fi
    local left=""
    while read -r name pid; do
        if alive "$pid"; then left="$left $name($pid)"; fi
    done <"$PIDS"
    [ -z "$left" ] || die "still running after down:$left"
    rm -f "$PIDS" "$ENV_FILE" "$DIR/db.env" "$DIR/data-dir" "$DIR"/app*.env "$DIR/redis.port"
    say "down: every process stopped"
}

status() {
    [ -f "$PIDS" ] || { say "not up (no $PIDS)"; exit 3; }
    local name pid up=0 all=0
    while read -r name pid; do
        all=$((all + 1))
        if alive "$pid"; then up=$((up + 1)); state=running; else state=STOPPED; fi
        printf '  %-20s %-8s %s\n' "$name" "$pid" "$state"
    done <"$PIDS"
    [ -f "$ENV_FILE" ] && sed -n 's/^\(CLASSBASE_URL\|INSTANCE_URLS\|PGBOUNCER_URLS\|REDIS_URL\)=/  \1=/p' "$ENV_FILE"
    [ "$up" -eq "$all" ] || exit 1
}

# Polls $1 (a command) every half second until it succeeds or $2 seconds pass.
await() {
    local deadline=$(( $(date +%s) + $2 ))
    until eval "$1" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.5
    done
}

# PgBouncer in transaction mode in front of one server: config from ./classbase pgbouncer-config.
start_pgbouncer() {
    local name=$1 url=$2 admin=$3 port=$4 out=$DIR/pgbouncer-$1
    mkdir -p "$out"
    CLASSBASE_DATABASE_URL=$url $CB pgbouncer-config --out "$out" --listen-port "$port" \
        --admin-url "$admin" --stats-users "$OWNER_USER,$CLASSBASE_APP_USER" >"$out/config.out"
    launch_pgbouncer "$name"
}

# Starts PgBouncer on its configuration in $DIR/pgbouncer-$1 (written by start_pgbouncer).
launch_pgbouncer() {
    local name=$1 out=$DIR/pgbouncer-$1 port
    port=$(sed -n 's/^listen_port *= *//p' "$out/pgbouncer.ini")
    local as=()
    if [ "$(id -u)" -eq 0 ]; then
        chown -R nobody "$out" # PgBouncer refuses to run as root
        as=(-u nobody)
    fi
    rm -f "$out/pgbouncer.pid" # a killed PgBouncer leaves its pid file behind
    pgbouncer -d "${as[@]}" "$out/pgbouncer.ini" >>"$out/pgbouncer.out" 2>&1 \
        || die "$name: pgbouncer did not start; see $out/pgbouncer.log"
    await "[ -s '$out/pgbouncer.pid' ]" 10 || die "$name: pgbouncer wrote no pid file"
    record "pgbouncer-$name" "$(cat "$out/pgbouncer.pid")"
    await "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", $port), 1)'" 10 \
        || die "$name: pgbouncer does not listen on $port"
}

# Redis on port $1, nothing saved to disk; its port kept for a restart.
start_redis() {
    echo "$1" >"$DIR/redis.port"
    rm -f "$DIR/redis.pid"
    redis-server --bind 127.0.0.1 --port "$1" --save '' --appendonly no --daemonize yes \
        --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --dir "$DIR" >/dev/null
    await "[ -s '$DIR/redis.pid' ]" 10 || die "redis did not start; see $DIR/redis.log"
    record redis "$(cat "$DIR/redis.pid")"
}

# App instance $1 on port $2, its environment in $DIR/app$1.env (mode 0600: passwords) for a restart.
start_instance() {
    local i=$1 port=$2
    (
        umask 077
        {
            printf 'PORT=%q\n' "$port"
            for v in CLASSBASE_DATABASE_URL CLASSBASE_REPLICA_URLS CLASSBASE_APP_USER CLASSBASE_APP_PASSWORD \
                CLASSBASE_REDIS_URL CLASSBASE_POOLS_PGBOUNCER CLASSBASE_SIGNIN_TRUSTEDPROXIES; do
                printf 'export %s=%q\n' "$v" "${!v}"
            done
        } >"$DIR/app$i.env"
    )
    launch_instance "$i"
}

launch_instance() {
    local i=$1 PORT
    (
        # shellcheck disable=SC1090
        . "$DIR/app$i.env"
        exec setsid $CB serve --port "$PORT" </dev/null >>"$DIR/app$i.log" 2>&1
    ) &
    record "app$i" "$!"
}

# Waits until app $1 answers ready on its port.
await_instance() {
    local i=$1 pid port
    pid=$(awk -v n="app$i" '$1 == n { print $2 }' "$PIDS")
    port=$(sed -n 's/^PORT=//p' "$DIR/app$i.env")
    # a process that exited gives up at once
    await "! alive $pid || curl -fsS -o /dev/null http://127.0.0.1:$port/actuator/health/readiness" \
        "$READY_TIMEOUT" && alive "$pid" || { tail -n 30 "$DIR/app$i.log" >&2; die "app$i did not become ready"; }
}

# Starts NAME (as in the pids file) again as `up` started it, after it died or was killed.
restart() {
    local name=${1:-}
    [ -f "$PIDS" ] || die "not up (no $PIDS)"
    local pid
    pid=$(awk -v n="$name" '$1 == n { print $2 }' "$PIDS")
    [ -n "$pid" ] || die "restart: no process named '$name' in $PIDS"
    # a process just killed may not have been reaped yet
    await "! alive $pid" 10 || die "restart: $name ($pid) is still running"
    case $name in
        app*)
            # a killed instance's socket may outlive it for a moment
            local port
            port=$(sed -n 's/^PORT=//p' "$DIR/${name}.env")
            await "[ -z \"\$(ss -Htan exclude time-wait 'sport = :$port')\" ]" 30 \
                || die "restart: port $port is still taken: $(ss -Htanp exclude time-wait "sport = :$port" | head -n 3)"
            launch_instance "${name#app}"
            await_instance "${name#app}" ;;
        redis) start_redis "$(cat "$DIR/redis.port")" ;;
        pgbouncer-*) launch_pgbouncer "${name#pgbouncer-}" ;;
        postgres-*)
            local data replicas
            data=$(cat "$DIR/data-dir")
            replicas=$(grep -c '^postgres-replica' "$PIDS")
            $CB db start --replicas "$replicas" --data-dir "$data" >>"$DIR/db-start.out" 2>&1 \
                || die "db start failed; see $DIR/db-start.out"
            local PRIMARY_PID REPLICA_PIDS i=1
            eval "$($CB db status --env --data-dir "$data" 2>/dev/null | grep -E '^(PRIMARY_PID|REPLICA_PIDS)=')"
            record postgres-primary "$PRIMARY_PID"
            for pid in ${REPLICA_PIDS//,/ }; do record "postgres-replica$i" "$pid"; i=$((i + 1)); done ;;
        *) die "restart: do not know how to start $name" ;;
    esac
    say "restarted $name: pid $(awk -v n="$name" '$1 == n { print $2 }' "$PIDS")"
}

up() {
    local instances=2 replicas=2 data="" lb_processes=1
    while [ $# -gt 0 ]; do
        case $1 in
            --instances) instances=$2; shift 2 ;;
            --lb-processes) lb_processes=$2; shift 2 ;;
            --replicas) replicas=$2; shift 2 ;;
            --data-dir) data=$2; shift 2 ;;
            *) die "unknown option $1 (up [--instances N] [--replicas N] [--data-dir DIR] [--lb-processes N])" ;;
        esac
    done
    [ "$instances" -ge 1 ] || die "--instances must be at least 1"
    [ -f "$PIDS" ] && die "already up ($PIDS); bench/topology.sh down first"
    mkdir -p "$DIR"
    chmod 755 "$DIR"
    data=${data:-$DIR/cluster}
    ensure_packages
    : >"$PIDS"
    echo "$data" >"$DIR/data-dir" # for down, even when db start is interrupted
    trap 'say "interrupted: stopping what started"; down; exit 130' INT TERM
    trap 'rc=$?; if [ $rc -ne 0 ]; then say "up failed: stopping what started"; down; fi' EXIT

    say "PostgreSQL primary + $replicas replicas on their own (./classbase db start) in $data"
    $CB db start --replicas "$replicas" --data-dir "$data" >"$DIR/db-start.out" 2>&1 \
        || { cat "$DIR/db-start.out" >&2; die "db start failed"; }
    (umask 077 && $CB db status --env --data-dir "$data" 2>/dev/null | grep -E '^[A-Z_]+=' >"$DIR/db.env")
    # shellcheck disable=SC1091
    . "$DIR/db.env"
    OWNER_USER=$CLASSBASE_OWNER_USER
    record postgres-primary "$PRIMARY_PID"
    local i=1 pid
    for pid in ${REPLICA_PIDS//,/ }; do record "postgres-replica$i" "$pid"; i=$((i + 1)); done

    local host=127.0.0.1 bouncers=() replica_bouncers=()
    local p
    p=$(free_port)
    start_pgbouncer primary "postgresql://$OWNER_USER:$CLASSBASE_OWNER_PASSWORD@$host:$PRIMARY_PORT/classbase" \
        "$PRIMARY_URL" "$p"
    bouncers+=("postgresql://$host:$p/classbase")
    local primary_bouncer="postgresql://$OWNER_USER:$CLASSBASE_OWNER_PASSWORD@$host:$p/classbase?prepareThreshold=0"
    i=1
    IFS=, read -r -a rports <<<"$REPLICA_PORTS"
    IFS=, read -r -a rurls <<<"$REPLICA_URLS"
    for rport in "${rports[@]}"; do
        p=$(free_port)
        start_pgbouncer "replica$i" "postgresql://$OWNER_USER:$CLASSBASE_OWNER_PASSWORD@$host:$rport/classbase" \
            "${rurls[$((i - 1))]}" "$p"
        bouncers+=("postgresql://$host:$p/classbase")
        replica_bouncers+=("postgresql://$OWNER_USER:$CLASSBASE_OWNER_PASSWORD@$host:$p/classbase?prepareThreshold=0")
        i=$((i + 1))
    done

    local redis_port
    redis_port=$(free_port)
    start_redis "$redis_port"
    local redis_url="redis://$host:$redis_port"

    local instance_urls=() servers="" port
    for i in $(seq 1 "$instances"); do
        port=$(free_port)
        say "app$i: ./classbase serve on $port (external mode, through PgBouncer)"
        CLASSBASE_DATABASE_URL=$primary_bouncer \
            CLASSBASE_REPLICA_URLS=$(IFS=,; echo "${replica_bouncers[*]}") \
            CLASSBASE_REDIS_URL=$redis_url CLASSBASE_POOLS_PGBOUNCER=true \
            CLASSBASE_SIGNIN_TRUSTEDPROXIES=$host \
            start_instance "$i" "$port"
        instance_urls+=("http://$host:$port")
        servers="$servers    server app$i $host:$port\n"
    done
    for i in $(seq 1 "$instances"); do
        await_instance "$i"
        say "app$i ready"
    done

    local lb_port stats_port maxconn
    # HAProxy needs about two descriptors per connection (client and server side): stay within
    # this shell's open-file limit (ulimit -n), as HAProxy refuses to start past it
    local nofile
    nofile=$(ulimit -n)
    [ "$nofile" = unlimited ] && nofile=41000
    maxconn=$(( (nofile - 1000) / 2 ))
    [ "$maxconn" -gt 20000 ] && maxconn=20000
    lb_port=$(free_port)
    stats_port=$(free_port)
    # each instance admits 4 requests per pool connection (classbase.web.concurrency: 60 with the
    # default pools) and answers the rest 503; HAProxy sends an instance no more than that, spread
    # over its processes, so a burst waits in HAProxy's queue (timeout queue: then 503 with
    # Retry-After) rather than unbounded in the instance's accept and thread queues
    local server_maxconn=$(( ${CLASSBASE_TOPOLOGY_INSTANCE_LIMIT:-60} / lb_processes ))
    [ "$server_maxconn" -lt 10 ] && server_maxconn=10
    local n suffix
    for n in $(seq 1 "$lb_processes"); do
        suffix=$([ "$n" -eq 1 ] && echo "" || echo "-$n")
        sed -e "s|{{LISTEN_PORT}}|$lb_port|; s|{{STATS_PORT}}|$stats_port|" \
            -e "s|{{GLOBAL_MAXCONN}}|$maxconn|; s|{{FRONTEND_MAXCONN}}|$maxconn|; s|{{SERVER_MAXCONN}}|$server_maxconn|" \
            -e "s|{{RUN_DIR}}|$DIR|; s|{{PROCESS}}|$suffix|; s|{{ERRORFILE_DIR}}|$ROOT/infrastructure/haproxy|" \
            -e "s|{{SERVERS}}|$servers|" "$ROOT/infrastructure/haproxy/haproxy.cfg" >"$DIR/haproxy$suffix.cfg"
        haproxy -c -q -f "$DIR/haproxy$suffix.cfg" || die "haproxy$suffix.cfg does not check"
        haproxy -D -p "$DIR/haproxy$suffix.pid" -f "$DIR/haproxy$suffix.cfg" 2>"$DIR/haproxy$suffix.log" \
            || die "haproxy$suffix did not start: $(tail -n 1 "$DIR/haproxy$suffix.log")"
        await "[ -s '$DIR/haproxy$suffix.pid' ]" 10 || die "haproxy$suffix did not start; see $DIR/haproxy$suffix.log"
        record "haproxy$suffix" "$(head -n 1 "$DIR/haproxy$suffix.pid")"
    done
    # every back end UP in HAProxy's own view (its stats as CSV: column 18 is the status)
    await "[ \$(curl -fsS 'http://$host:$stats_port/stats;csv' | awk -F, '\$1 == \"classbase_instances\" && \$2 ~ /^app/ && \$18 == \"UP\"' | wc -l) -eq $instances ]" 60 \
        || die "haproxy does not report every instance up"

    umask 077
    {
        echo "CLASSBASE_URL=http://$host:$lb_port"
        echo "INSTANCE_URLS=$(IFS=,; echo "${instance_urls[*]}")"
        echo "PRIMARY_URL=$PRIMARY_URL"
        echo "REPLICA_URLS=$REPLICA_URLS"
        echo "PGBOUNCER_URLS=$(IFS=,; echo "${bouncers[*]}")"
        echo "REDIS_URL=$redis_url"
        echo "HAPROXY_STATS_URL=http://$host:$stats_port/stats"
        echo "DATA_DIR=$data"
    } >"$ENV_FILE"
    trap - INT TERM EXIT
    say "up: $instances instances behind http://$host:$lb_port (HAProxy reports all UP); $ENV_FILE"
}

main() {
    case ${1:-} in
        up) shift; up "$@" ;;
        down) down ;;
        status) status ;;
        restart) shift; restart "$@" ;;
        *) echo "usage: bench/topology.sh up [--instances 2] [--replicas 2] [--data-dir DIR] [--lb-processes N] | status | restart NAME | down" >&2; exit 2 ;;
    esac
}

# one line: bash has read all of it before it runs, so an edit of this file during a run is harmless
main "$@"; exit $?
