#!/usr/bin/env bash
# Foundation benchmarks: time to seed demo and S, and time from `serve` to the
# first healthy answer on an existing cluster. Prints a markdown table for docs/BENCHMARKS.md.
# Usage: bench/foundation.sh [runs]   (default 3 runs of the startup measurement; median reported)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
work=$(mktemp -d /tmp/classbase-bench.XXXXXX)
trap 'pkill -f "classbase.jar serve --port 18181" 2>/dev/null || true; rm -rf "$work"' EXIT
export CLASSBASE_DATA_DIR="$work/cluster"
./classbase build >/dev/null

seconds() { python3 -c "import time; print(time.time())"; }
elapsed() { python3 -c "print(f'{$2 - $1:.1f}')"; }

t0=$(seconds); ./classbase seed --scale demo >/dev/null 2>&1; t1=$(seconds)
demo=$(elapsed "$t0" "$t1")

startups=()
for i in $(seq 1 "$runs"); do
    t0=$(seconds)
    ./classbase serve --port 18181 --no-seed >"$work/serve.log" 2>&1 &
    server=$!
    until curl -sf localhost:18181/actuator/health >/dev/null 2>&1; do
        if ! kill -0 "$server" 2>/dev/null; then
            echo "serve exited before it was healthy:" >&2
            tail -n 30 "$work/serve.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    t1=$(seconds)
    startups+=("$(elapsed "$t0" "$t1")")
    pkill -TERM -f "classbase.jar serve --port 18181"
    while pgrep -f "classbase.jar serve --port 18181" >/dev/null; do sleep 0.2; done
done
startup=$(printf '%s\n' "${startups[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")

t0=$(seconds); ./classbase seed --scale S --reset >/dev/null 2>&1; t1=$(seconds)
small=$(elapsed "$t0" "$t1")

cat <<TABLE
| measurement | result | goal |
|---|---|---|
| \`serve\` to first healthy answer, existing cluster (median of $runs: ${startups[*]}) | ${startup} s | <= 15 s |
| \`seed --scale demo\` (fresh cluster, includes creating it) | ${demo} s | <= 60 s |
| \`seed --scale S --reset\` | ${small} s | - |
TABLE
