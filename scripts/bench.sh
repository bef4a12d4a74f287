#!/usr/bin/env bash
# `make bench`: every benchmark, one after another, on this machine, into one report.
#
#   make bench                      # 1,000,000 jobs
#   make bench JOBS=10000000        # 10 million (seeding takes a while; the file is reused)
#
# 1. the dashboard list (bench_list): p50/p99 per filter combination, first/middle/last page;
# 2. the CSV export (bench_export): rows/s, time to first byte, peak heap;
# 3. the dashboard under load (bench_http): render requests/s, 100 auto-refreshing
#    dashboards' server CPU and the p99 of another client beside them;
# 4. API submissions (bench_submit): accepted/s with 32 clients, enqueue-to-passed latency;
# 5. conversion throughput for every profile pair (bench_convert --all), MB/s;
# 6. the first page load in headless chromium (bytes per type, time to interactive).
# The Python converters' comparison is separate and slow: scripts/bench-formats.sh.
# The report goes to target/bench/report-<time>.txt as well as the terminal.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

JOBS=${JOBS:-1000000}
mkdir -p target/bench
REPORT="target/bench/report-$(date -u +%Y%m%dT%H%M%SZ).txt"

say "building the release server and the benchmarks"
cargo build --release -p server --bin ccjobs --examples

{
  echo "ccjobs benchmarks, $(date -u), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
  echo "JOBS=$JOBS, SQLite (target/bench/list-$JOBS.db)"
  echo
  echo "== 1. dashboard list =="
  target/release/examples/bench_list "$JOBS"
  echo
  echo "== 2. CSV export =="
  target/release/examples/bench_export "$JOBS"
  echo
  echo "== 3. dashboard render and 100 auto-refreshing dashboards =="
  target/release/examples/bench_http "$JOBS"
  echo
  echo "== 4. API submissions =="
  target/release/examples/bench_submit "" 20 32 2
  echo
  echo "== 5. conversions, every pair (100,000 cues) =="
  target/release/examples/bench_convert --all --runs 3
  echo
  echo "== 6. first page load =="
  build_site >/dev/null
  ensure_chromium >/dev/null
  ensure_end2end_packages >/dev/null
  CCJOBS_BIN="$ROOT/target/release/ccjobs" LEPTOS_SITE_ROOT="$SITE" node scripts/bench-first-load.js 20
} 2>&1 | tee "$REPORT"
say "report: $REPORT"
