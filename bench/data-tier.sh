#!/usr/bin/env bash
# Data-tier benchmark: overhead of routing + query watch vs a bare HikariCP pool, and the share of
# reads served by replicas under a mixed HTTP load. Starts its own cluster (primary + 2 replicas).
# Usage: bench/data-tier.sh    (prints a markdown table)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
run_test_main dev.classbase.bench.DataTierBenchmark
