#!/usr/bin/env bash
# Platform benchmarks: gradebook, portfolio export and at-risk against per-row-loading
# implementations of the same results; catalog browse over HTTP against pgbench running its SQL.
# Runs on the shared test cluster (primary + 2 replicas, demo district). Prints markdown tables;
# the logs go to app/<build-dir>/bench.log. Takes about 8 minutes at the default sizes (cluster start
# and demo seed included).
# Usage: bench/platform.sh [build-dir]     (build-dir under app/, default target)
#   sizes: STUDENTS=40 ASSIGNMENTS=60 WARMUP=100 ITERATIONS=60 CONCURRENCY=8 DURATION=20 ROUNDS=3
#   (the catalog: ROUNDS rounds of DURATION seconds for the endpoint, then pgbench, after 60 s and
#   15 s of warm-up; the round with the median ratio is reported)
#   BENCH_OPTS: more JVM options, e.g. -Dbench.skip.catalog=true (the comparisons alone) or
#   -Dbench.skip.comparisons=true (the catalog alone)
#   (100 warm-up calls per workload: after 5 the services still run partly interpreted, 20-40 % slower)
#   pgbench: $PGBENCH, else /usr/lib/postgresql/*/bin/pgbench, else the PATH
#            (Debian/Ubuntu: sudo apt-get install postgresql-15)
#   wrk:     $WRK, else the PATH (sudo apt-get install wrk): the HTTP load, in C like pgbench; without
#            it the JDK's HTTP client in the server's own JVM drives the load (and takes its CPU)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
export BENCH_BUILD_DIR=${1:-target}

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

if [ -z "${WRK:-}" ] && ! command -v wrk >/dev/null 2>&1; then
    echo "wrk not found: the catalog load falls back to the JDK's client (install it with: sudo apt-get install wrk)" >&2
fi

run_test_main \
    -Dbench.students="${STUDENTS:-40}" \
    -Dbench.assignments="${ASSIGNMENTS:-60}" \
    -Dbench.warmup="${WARMUP:-100}" \
    -Dbench.iterations="${ITERATIONS:-60}" \
    -Dbench.concurrency="${CONCURRENCY:-8}" \
    -Dbench.seconds="${DURATION:-20}" \
    -Dbench.catalog.rounds="${ROUNDS:-3}" \
    ${BENCH_OPTS:-} \
    dev.classbase.bench.PlatformBenchmark || {
    echo "the benchmark failed; the end of app/$BENCH_BUILD_DIR/bench.log:" >&2
    tail -n 40 "app/$BENCH_BUILD_DIR/bench.log" >&2
    exit 1
}
