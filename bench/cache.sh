#!/usr/bin/env bash
# The two-level cache: catalog browse and course detail with the cache's regions on (L1 + L2 on
# Redis, warm) against the same server settings with them off, and pgbench running the uncached
# server's SQL on its replica; then reads on two cached servers sharing Redis while an admin changes
# course titles at a fixed rate: each region's hit rate and the delay until the other server answers
# the new title. Runs on the shared test cluster (primary + replica, demo district) with a Redis of
# its own on a free port. Prints markdown tables; the logs go to app/<build-dir>/bench.log. At the
# default sizes 160 s are load windows and the warm-up floor; with the cluster's start, the demo seed,
# three servers' start and the JIT's warm-up it took 7.5 minutes on two cores busy with other builds.
# Usage: bench/cache.sh [build-dir]     (build-dir under app/, default target)
#   sizes: CONCURRENCY=8 DURATION=5 ROUNDS=3 WARMUP=15 MIXED_DURATION=30 WRITES_PER_SECOND=5
#   (a warm-up of every path on each server: at least WARMUP seconds, until the JIT compiler is idle, at
#   most 4 x WARMUP. Part 1: ROUNDS rounds of DURATION-second windows, regions on, regions off,
#   pgbench; the round with the median on / off ratio is reported and every round printed. Part 2:
#   MIXED_DURATION seconds of reads with WRITES_PER_SECOND title changes)
#   BENCH_OPTS: more JVM options
#   wrk:      $WRK, else the PATH (sudo apt-get install wrk): required
#   redis:    /usr/bin/redis-server (sudo apt-get install redis-server): required
#   pgbench:  $PGBENCH, else /usr/lib/postgresql/*/bin/pgbench, else the PATH: without it the
#             pgbench column is skipped
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
export BENCH_BUILD_DIR=${1:-target}

if [ -z "${WRK:-}" ] && ! command -v wrk >/dev/null 2>&1; then
    echo "wrk not found: install it with: sudo apt-get install wrk   (or set WRK=/path/to/wrk)" >&2
    exit 2
fi
if [ ! -x /usr/bin/redis-server ]; then
    echo "redis-server not found: install it with: sudo apt-get install redis-server" >&2
    exit 2
fi
if [ -z "${PGBENCH:-}" ]; then
    PGBENCH=$(ls -d /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -n 1 || true)
    PGBENCH=${PGBENCH:-$(command -v pgbench || true)}
fi
if [ -n "$PGBENCH" ]; then
    export PGBENCH
else
    echo "pgbench not found: the pgbench comparison will be skipped." >&2
    echo "  install it with: sudo apt-get install postgresql-15   (or set PGBENCH=/path/to/pgbench)" >&2
fi

run_test_main \
    -Dbench.concurrency="${CONCURRENCY:-8}" \
    -Dbench.seconds="${DURATION:-5}" \
    -Dbench.warmup="${WARMUP:-15}" \
    -Dbench.rounds="${ROUNDS:-3}" \
    -Dbench.mixed.seconds="${MIXED_DURATION:-30}" \
    -Dbench.writes.per.second="${WRITES_PER_SECOND:-5}" \
    ${BENCH_OPTS:-} \
    dev.classbase.bench.CacheBenchmark || {
    echo "the benchmark failed; the end of app/$BENCH_BUILD_DIR/bench.log:" >&2
    tail -n 40 "app/$BENCH_BUILD_DIR/bench.log" >&2
    exit 1
}
