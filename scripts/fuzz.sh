#!/usr/bin/env bash
# Coverage-guided fuzzing of every caption reader and the Job Description parser with
# cargo-fuzz (libFuzzer, AddressSanitizer, debug assertions), on the stable toolchain.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 600 s, every target)
#
# Targets: srt webvtt sbv scc ttml sami ebu_stl job_description (fuzz/fuzz_targets; bodies in
# server/src/fuzzing.rs). Seeds: fuzz/seeds/TARGET. A crash leaves its input in
# fuzz/artifacts/TARGET and fails the script. `cargo test` runs every body briefly too.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(srt webvtt sbv scc ttml sami ebu_stl job_description)

if ! cargo fuzz --version 2>/dev/null | grep -q '0.13.2'; then
  say "installing cargo-fuzz 0.13.2"
  cargo install cargo-fuzz --version 0.13.2 --locked
fi
# cargo-fuzz passes -Z flags (sanitizers); the stable compiler accepts them with this.
export RUSTC_BOOTSTRAP=1

cd "$ROOT/fuzz"
say "building the fuzz targets"
cargo fuzz build --debug-assertions
for target in "${targets[@]}"; do
  say "fuzzing $target for $seconds s"
  mkdir -p "corpus/$target"
  status=0
  cargo fuzz run --debug-assertions "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1 \
    >"/tmp/ccjobs-fuzz-$target.log" 2>&1 || status=$?
  grep -aE '^#[0-9]+[[:space:]]+(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY|panicked' \
    "/tmp/ccjobs-fuzz-$target.log" || true
  if [ "$status" -ne 0 ]; then
    echo "fuzz target $target failed; the input is in fuzz/artifacts/$target, the log in /tmp/ccjobs-fuzz-$target.log" >&2
    exit 1
  fi
done
say "no target crashed, hung or ran out of memory"
