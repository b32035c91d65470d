#!/usr/bin/env bash
# Analytics benchmarks: (a) the daily-activity dashboard from rollups vs the same numbers
# from the raw tables, (b) an incremental rollup run vs a full REFRESH MATERIALIZED VIEW CONCURRENTLY
# after the same batch, at 1x and 10x history, (c) event ingestion through POST /api/v1/events
# (wrk), rollup inbox trigger on and off, and the same INSERT alone over JDBC as the reference.
# One run on a fresh test cluster (primary + replica); the data is generated with generate_series
# (the analytics tables of the scale only). Prints markdown tables and writes SVG plots to
# docs/bench/analytics-*.svg; the logs go to app/<build-dir>/bench.log. Scale M (10M events over 360
# days) is estimated at 10 to 15 minutes on a quiet 2-core machine; scale demo takes about 3.
# Usage: bench/analytics.sh [build-dir]     (build-dir under app/, default target)
#   SCALE=M (demo, S, M, L)  EVENTS=<override>  DAYS=360  BATCH=20000  REPETITIONS=5
#   (REPETITIONS: median of 5 rollup runs; with 3, the 10x run measured 1.04x and 2.12x of 1x in two runs)
#   RANGES=30,90,365  RUNS=300  RAW_RUNS=20  WARMUP=1000  WRK_SECONDS=10  INGEST_SECONDS=20  INGEST_WARMUP=10  CONNECTIONS=8  THREADS=2
#   PLOTS=../docs/bench (relative to app/)
#   wrk: $WRK, else the PATH (Debian/Ubuntu: sudo apt-get install wrk); without it (c) is skipped and
#        (a) times the endpoint with the JDK client in the server's JVM only
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
export BENCH_BUILD_DIR=${1:-target}

if [ -z "${WRK:-}" ] && ! command -v wrk >/dev/null; then
    echo "wrk not found: the ingestion benchmark (c) will be skipped, and (a) timed in the JVM only." >&2
    echo "  install it with: sudo apt-get install wrk   (or set WRK=/path/to/wrk)" >&2
fi

events=()
if [ -n "${EVENTS:-}" ]; then
    events=(-Dbench.events="$EVENTS")
fi
run_test_main \
    -Dbench.scale="${SCALE:-M}" \
    "${events[@]}" \
    -Dbench.days="${DAYS:-360}" \
    -Dbench.batch="${BATCH:-20000}" \
    -Dbench.repetitions="${REPETITIONS:-5}" \
    -Dbench.dashboard.days="${RANGES:-30,90,365}" \
    -Dbench.dashboard.runs="${RUNS:-300}" \
    -Dbench.dashboard.raw-runs="${RAW_RUNS:-20}" \
    -Dbench.dashboard.warmup="${WARMUP:-1000}" \
    -Dbench.dashboard.wrk-seconds="${WRK_SECONDS:-10}" \
    -Dbench.ingest.seconds="${INGEST_SECONDS:-20}" \
    -Dbench.ingest.warmup="${INGEST_WARMUP:-10}" \
    -Dbench.ingest.connections="${CONNECTIONS:-8}" \
    -Dbench.ingest.threads="${THREADS:-2}" \
    -Dbench.plots="${PLOTS:-../docs/bench}" \
    dev.classbase.bench.AnalyticsBenchmark || {
    echo "the benchmark failed; the end of app/$BENCH_BUILD_DIR/bench.log:" >&2
    tail -n 40 "app/$BENCH_BUILD_DIR/bench.log" >&2
    exit 1
}
