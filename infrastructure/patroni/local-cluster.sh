#!/usr/bin/env bash
# A local Patroni cluster: one etcd member and three Patroni nodes (a primary and two replicas,
# synchronous_mode on) of the OS's PostgreSQL, on free 127.0.0.1 ports, in one folder.
#
#   local-cluster.sh up     [DIR]   start; writes DIR/cluster.env with the URLs and ports
#   local-cluster.sh status [DIR]   patronictl list
#   local-cluster.sh start NODE [DIR]   start NODE's Patroni again (after a fault); it rejoins as a replica
#   local-cluster.sh down   [DIR]   stop everything started by up and delete DIR
#
# DIR defaults to $CLASSBASE_PATRONI_DIR or /tmp/classbase-patroni. CLASSBASE_PATRONI_TTL (6) and
# CLASSBASE_PATRONI_LOOP_WAIT (1) set the leader key's lifetime and Patroni's loop; retry_timeout follows
# as (ttl - loop_wait) / 2, the most Patroni allows. PostgreSQL refuses to run as
# root, so as root Patroni runs as the postgres user (runuser); etcd runs as the caller.
set -euo pipefail

cmd=${1:-}
NODE=""
if [ "$cmd" = start ]; then
    NODE=${2:-}
    shift
fi
DIR=${2:-${CLASSBASE_PATRONI_DIR:-/tmp/classbase-patroni}}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PG_MAJOR=${PG_MAJOR:-15}
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
SCOPE=classbase
TTL=${CLASSBASE_PATRONI_TTL:-6}
LOOP_WAIT=${CLASSBASE_PATRONI_LOOP_WAIT:-1}
RETRY_TIMEOUT=$(( (TTL - LOOP_WAIT) / 2 ))
NODES=(node1 node2 node3)

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

secret() {
    head -c 18 /dev/urandom | base64 | tr -d '/+=' | cut -c1-20
}

wait_for() { # seconds, description, command...
    local limit=$1 what=$2
    shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            echo "timed out after ${limit}s waiting for $what" >&2
            return 1
        fi
        sleep 0.5
    done
}

up() {
    for tool in patroni patronictl etcd; do
        command -v $tool >/dev/null || { echo "$tool is not installed (apt-get install patroni etcd-server)" >&2; exit 1; }
    done
    [ -x "$PG_BIN/postgres" ] || { echo "PostgreSQL $PG_MAJOR is not installed under $PG_BIN" >&2; exit 1; }
    if [ -f "$DIR/cluster.env" ]; then
        echo "$DIR already holds a cluster (local-cluster.sh down $DIR first)" >&2
        exit 1
    fi
    mkdir -p "$DIR"
    chmod 755 "$DIR"

    local etcd_port etcd_peer
    etcd_port=$(free_port)
    etcd_peer=$(free_port)
    mkdir -p "$DIR/etcd"
    setsid etcd --name etcd1 --data-dir "$DIR/etcd/data" \
        --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
        --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
        --initial-cluster "etcd1=http://127.0.0.1:$etcd_peer" --initial-cluster-state new \
        >"$DIR/etcd/etcd.log" 2>&1 </dev/null &
    echo $! >"$DIR/etcd/pid"
    wait_for 30 "etcd on port $etcd_port" curl -fsS "http://127.0.0.1:$etcd_port/health"

    local superuser_password replication_password rewind_password owner_password
    superuser_password=$(secret)
    replication_password=$(secret)
    rewind_password=$(secret)
    owner_password=$(secret)
    sed "s/\${CLASSBASE_OWNER_PASSWORD}/$owner_password/" "$HERE/post-bootstrap.sh" >"$DIR/post-bootstrap.sh"
    chmod 755 "$DIR/post-bootstrap.sh"

    local hosts="" rest="" pg_ports=() rest_ports=()
    for name in "${NODES[@]}"; do
        local pg_port rest_port
        pg_port=$(free_port)
        rest_port=$(free_port)
        pg_ports+=("$pg_port")
        rest_ports+=("$rest_port")
        mkdir -p "$DIR/$name"
        chown postgres:postgres "$DIR/$name" 2>/dev/null || true
        chmod 700 "$DIR/$name"
        SCOPE=$SCOPE NAME=$name REST_PORT=$rest_port PG_PORT=$pg_port ETCD_PORT=$etcd_port DIR=$DIR PG_BIN=$PG_BIN \
            SUPERUSER_PASSWORD=$superuser_password REPLICATION_PASSWORD=$replication_password \
            REWIND_PASSWORD=$rewind_password TTL=$TTL LOOP_WAIT=$LOOP_WAIT RETRY_TIMEOUT=$RETRY_TIMEOUT \
            envsubst <"$HERE/patroni.yml.template" >"$DIR/$name/patroni.yml"
        chown postgres:postgres "$DIR/$name/patroni.yml" 2>/dev/null || true
        chmod 600 "$DIR/$name/patroni.yml"
        hosts+="${hosts:+,}127.0.0.1:$pg_port"
        rest+="${rest:+,}http://127.0.0.1:$rest_port"
    done
    # patronictl reads any node's file for the DCS address and scope
    cp "$DIR/node1/patroni.yml" "$DIR/patronictl.yml"
    chmod 644 "$DIR/patronictl.yml"

    # the first node bootstraps alone, so it is the one that runs post_bootstrap and becomes the leader
    local i=0
    for name in "${NODES[@]}"; do
        start_node "$name"
        if [ $i = 0 ]; then
            wait_for 60 "$name to lead" curl -fsS "http://127.0.0.1:${rest_ports[0]}/primary"
        fi
        i=$((i + 1))
    done
    wait_for 240 "a leader, a synchronous standby and a replica, all running" healthy

    local db="jdbc:postgresql://$hosts/classbase"
    cat >"$DIR/cluster.env" <<ENV
# written by local-cluster.sh up; secrets inside: keep private
CLASSBASE_DATABASE_URL='$db?targetServerType=primary&user=classbase&password=$owner_password'
CLASSBASE_REPLICA_URLS='$db?targetServerType=preferSecondary&loadBalanceHosts=true&user=classbase&password=$owner_password'
PATRONI_PG_HOSTS=$hosts
PATRONI_REST_URLS=$rest
PATRONI_SUPERUSER_PASSWORD=$superuser_password
PATRONI_CLASSBASE_PASSWORD=$owner_password
PATRONI_ETCD=127.0.0.1:$etcd_port
PATRONICTL_CONFIG_FILE=$DIR/patronictl.yml
ENV
    chmod 600 "$DIR/cluster.env"
    echo "cluster up: $DIR/cluster.env"
    status
}

start_node() { # name: its Patroni in the background, appending to its log
    local name=$1 runner=()
    [ "$(id -u)" = 0 ] && runner=(runuser -u postgres --)
    # setsid: a process group of its own, so down stops Patroni and nothing else
    (cd "$DIR/$name" && exec setsid bash -c 'echo $$ > pid; exec "$@"' _ "${runner[@]}" patroni "$DIR/$name/patroni.yml") \
        >>"$DIR/$name/patroni.log" 2>&1 </dev/null &
}

start() { # a node whose Patroni was stopped or killed; a running one is left alone
    [ -f "$DIR/$NODE/patroni.yml" ] || { echo "no node '$NODE' in $DIR (one of: ${NODES[*]})" >&2; exit 2; }
    if [ -f "$DIR/$NODE/pid" ] && kill -0 "$(cat "$DIR/$NODE/pid")" 2>/dev/null; then
        echo "$NODE's Patroni is running (pid $(cat "$DIR/$NODE/pid"))" >&2
        exit 1
    fi
    start_node "$NODE"
    echo "$NODE started"
}

healthy() { # one leader, one synchronous standby, one more replica, all running and streaming
    patronictl -c "$DIR/patronictl.yml" list -f json | python3 -c '
import json, sys
m = json.load(sys.stdin)
roles = sorted(x["Role"] for x in m if x["State"] in ("running", "streaming"))
sys.exit(0 if roles == ["Leader", "Replica", "Sync Standby"] else 1)'
}

status() {
    patronictl -c "$DIR/patronictl.yml" list
}

stop_pid_file() { # pid file of a setsid'd process group
    local f=$1
    [ -f "$f" ] || return 0
    local pid
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 60); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
}

down() {
    [ -d "$DIR" ] || return 0
    # Patroni stops its PostgreSQL on SIGTERM; a postmaster left over (Patroni killed) is stopped by pid
    for name in "${NODES[@]}"; do
        stop_pid_file "$DIR/$name/pid"
    done
    for name in "${NODES[@]}"; do
        if [ -f "$DIR/$name/data/postmaster.pid" ]; then
            local pm
            pm=$(head -1 "$DIR/$name/data/postmaster.pid")
            kill -QUIT "$pm" 2>/dev/null || true
        fi
    done
    stop_pid_file "$DIR/etcd/pid"
    rm -rf "$DIR"
    echo "cluster down"
}

case "$cmd" in
    up)
        [ "$RETRY_TIMEOUT" -ge 1 ] || { echo "CLASSBASE_PATRONI_TTL must exceed CLASSBASE_PATRONI_LOOP_WAIT by 2 or more" >&2; exit 2; }
        up ;;
    down) down ;;
    status) status ;;
    start) start ;;
    *) sed -n '2,14p' "$0" >&2; exit 2 ;;
esac
