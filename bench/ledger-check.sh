#!/usr/bin/env bash
# Compares the load journeys' write ledgers with the database: an acknowledged write that is
# missing is lost, one present more often than acknowledged is a duplicate (LedgerCheck, in the
# app's test tree). Exit 0: none; 1: some (listed); 2: bad arguments or no connection.
# Usage: bench/ledger-check.sh LEDGER... --url postgresql://user:password@host:port/db
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: bench/ledger-check.sh LEDGER... --url postgresql://user:password@host:port/db" >&2; exit 2; }
args=()
for a in "$@"; do
    case "$a" in
        --*|postgresql://*|jdbc:*) args+=("$a") ;;
        *) args+=("$(readlink -f "$a")") ;; # the checker runs in app/
    esac
done
. bench/lib.sh
export BENCH_BUILD_DIR=${BENCH_BUILD_DIR:-target}
run_test_main dev.classbase.bench.LedgerCheck "${args[@]}" || {
    rc=$?
    [ $rc -ne 1 ] && tail -n 20 "app/$BENCH_BUILD_DIR/bench.log" >&2
    exit $rc
}
