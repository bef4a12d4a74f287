#!/usr/bin/env bash
# `make test`: install what the tests need, then run every test: formatting and lints,
# unit and integration tests (cargo), and the browser tests (Playwright + Debian chromium).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

say "checking formatting and lints"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
ensure_wasm_target
cargo clippy -p frontend --lib --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p frontend --lib --target wasm32-unknown-unknown --features full -- -D warnings

build_site
say "checking bundle sizes against their recorded budget"
node scripts/check-bundles.js "$SITE/pkg"

say "unit and integration tests (SQLite)"
cargo test

if ensure_postgres; then
  say "integration tests again on PostgreSQL ($PG_TEST_SERVER), a fresh database per test"
  drop_test_databases
  # Not `-p server`: the workspace's feature set, so nothing is compiled again.
  CCJOBS_TEST_POSTGRES="$PG_TEST_SERVER" cargo test --test it
  drop_test_databases
else
  say "SKIPPED the PostgreSQL tests: no PostgreSQL server answers at $PG_TEST_SERVER (install and start one, or set CCJOBS_TEST_POSTGRES=postgres://USER@HOST:PORT). SQLite was tested."
fi

say "browser tests"
ensure_chromium
ensure_end2end_packages
cargo build -p server
export CCJOBS_BIN="$ROOT/target/debug/ccjobs" LEPTOS_SITE_ROOT="$SITE"
(cd end2end && npx playwright test)
