#!/usr/bin/env bash
# Command-line start-up with and without the launcher's start-up cache (the JDK's AOT cache, JEP
# 483/514; AppCDS before JDK 24), in one run: `./classbase --help` and `serve` to its first healthy
# answer on an existing embedded cluster, alternating CLASSBASE_AOT=off and on, [runs] times each
# (default 5), medians reported. Prints a markdown table for docs/BENCHMARKS.md.
# Usage: bench/cli-start.sh [runs]
#   CLASSBASE_DATA_DIR=DIR reuses an existing cluster there; otherwise a demo cluster is seeded in a
#   temp folder first (not timed).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh   # JAVA_HOME: the JDK the launcher then uses
runs=${1:-5}
work=$(mktemp -d /tmp/classbase-cli-start.XXXXXX)
server=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${CLASSBASE_DATA_DIR:-}" ]; then
    export CLASSBASE_DATA_DIR="$work/cluster"
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

./classbase --help >/dev/null 2>&1   # builds when needed and makes the caches (not timed)
if [ ! -f "$CLASSBASE_DATA_DIR/cluster.properties" ]; then
    ./classbase seed --scale demo >/dev/null 2>&1
fi

now() { date +%s%N; }
secs() { python3 -c "print(f'{($2 - $1) / 1e9:.2f}')"; }
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

help_time() {
    local t0 t1
    t0=$(now)
    CLASSBASE_AOT=$1 ./classbase --help >/dev/null
    t1=$(now)
    secs "$t0" "$t1"
}

serve_time() {
    local t0 t1
    t0=$(now)
    CLASSBASE_AOT=$1 ./classbase serve --port "$port" --no-seed >"$work/serve.log" 2>&1 &
    server=$!
    until curl -sf "localhost:$port/actuator/health" >/dev/null 2>&1; do
        if ! kill -0 "$server" 2>/dev/null; then
            echo "serve exited before it was healthy:" >&2
            tail -n 30 "$work/serve.log" >&2
            exit 1
        fi
        sleep 0.05
    done
    t1=$(now)
    kill -TERM "$server"
    wait "$server" 2>/dev/null || true
    server=""
    secs "$t0" "$t1"
}

serve_time on >/dev/null   # untimed: applies pending migrations, warms the page cache
help_off=(); help_on=(); serve_off=(); serve_on=()
for i in $(seq 1 "$runs"); do
    help_off+=("$(help_time off)")
    help_on+=("$(help_time on)")
done
for i in $(seq 1 "$runs"); do
    serve_off+=("$(serve_time off)")
    serve_on+=("$(serve_time on)")
done

ho=$(median "${help_off[@]}"); hn=$(median "${help_on[@]}")
so=$(median "${serve_off[@]}"); sn=$(median "${serve_on[@]}")
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
jdk=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release" 2>/dev/null || echo "?")

echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD), JDK $jdk"
echo
echo "| measurement (median of $runs) | without cache | with cache | ratio | goal |"
echo "|---|---|---|---|---|"
echo "| \`./classbase --help\` (runs: ${help_off[*]} / ${help_on[*]}) | $ho s | **$hn s** | $(ratio "$ho" "$hn")× | ≤ 1 s |"
echo "| \`serve\` to first healthy answer, existing cluster (runs: ${serve_off[*]} / ${serve_on[*]}) | $so s | **$sn s** | $(ratio "$so" "$sn")× | ≤ 5 s |"
