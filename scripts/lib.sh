#!/usr/bin/env bash
# Shared steps for scripts/run.sh and scripts/test.sh: install what is missing, build the
# site (WASM + CSS + public assets) into target/site. See ../shared/design/TOOLCHAIN.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
SITE="$ROOT/target/site"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# The CLI must be exactly the wasm-bindgen version in Cargo.lock, or the glue breaks.
ensure_wasm_bindgen() {
  local want have
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (found '${have:-none}'); about 4 minutes on 2 cores"
    # Not --locked: its lockfile pins a crate version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium for the browser tests"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
  fi
}

ensure_end2end_packages() {
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing the end2end npm packages (no browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}

# The PostgreSQL server the storage tests use (databases ccjobs_test_* are made and dropped
# there). Override with CCJOBS_TEST_POSTGRES=postgres://USER@HOST:PORT.
PG_TEST_SERVER="${CCJOBS_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}"

postgres_answers() {
  command -v psql >/dev/null && psql "$PG_TEST_SERVER/postgres" -Atqc 'select 1' >/dev/null 2>&1
}

# Starts the machine's PostgreSQL when it is installed but not running (CI).
ensure_postgres() {
  if postgres_answers; then return 0; fi
  if command -v pg_ctlcluster >/dev/null; then
    say "starting PostgreSQL"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    $sudo service postgresql start >/dev/null 2>&1 || true
    for _ in $(seq 1 20); do postgres_answers && return 0; sleep 0.5; done
  fi
  return 1
}

# Drops the test databases earlier runs left behind (a test that failed keeps its own).
drop_test_databases() {
  psql "$PG_TEST_SERVER/postgres" -Atqc "select datname from pg_database where datname like 'ccjobs\_test\_%'" |
    while read -r db; do psql "$PG_TEST_SERVER/postgres" -qc "drop database if exists $db" >/dev/null; done
}

# wasm-opt from npm's binaryen, in target/tools. Never Debian's binaryen (version 108): the
# build succeeds and the page never hydrates (../shared/design/TOOLCHAIN.md).
BINARYEN_VERSION=132
WASM_OPT="$ROOT/target/tools/node_modules/.bin/wasm-opt"

ensure_wasm_opt() {
  if [ "$("$WASM_OPT" --version 2>/dev/null | awk '{print $3}')" != "$BINARYEN_VERSION" ]; then
    say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into target/tools"
    npm install --prefix "$ROOT/target/tools" --no-save --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
  fi
}

# The first 16 hex digits of a file's SHA-256: the content hash in an asset's name.
content_hash() {
  sha256sum "$1" | cut -c1-16
}

# One bundle: cargo features ($1, may be empty) → /pkg/<name>.<hash>.js and
# /pkg/<name>.<hash>.wasm, and <name>.hash.txt, which names the hashes for the server
# (Leptos' hash file format, as cargo-leptos writes it: `js: …`, `wasm: …`, `css: …`).
# The stylesheet ($3, already in pkg) is named there too: the shell links it.
build_bundle() {
  local features=$1 name=$2 css_hash=$3
  local out="$ROOT/target/bundle/$name"
  cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release ${features:+--features "$features"}
  rm -rf "$out"
  wasm-bindgen target/wasm32-unknown-unknown/wasm-release/frontend.wasm \
    --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir "$out" --out-name "$name"
  # Binaryen's size passes less inlining and function merging: those two make the code
  # compress worse; the rest takes ~4 % off the brotli size (docs/PERFORMANCE.md).
  local passes="-Oz --converge --skip-pass=inlining --skip-pass=inlining-optimizing --skip-pass=merge-similar-functions"
  # wasm-opt is most of a rebuild's time (13 s and 21 s for the two bundles): its output is
  # kept under the hash of its input, its version and its passes, and reused while the
  # Rust code is unchanged; a bundle keeps only its newest entry.
  local cache="$ROOT/target/wasm-opt-cache" key
  key=$({ cat "$out/${name}_bg.wasm"; echo "binaryen $BINARYEN_VERSION $passes"; } | sha256sum | cut -c1-16)
  if [ ! -f "$cache/$name.$key.wasm" ]; then
    mkdir -p "$cache"
    # shellcheck disable=SC2086 # the passes are separate words
    "$WASM_OPT" $passes "$out/${name}_bg.wasm" -o "$cache/$name.$key.wasm.part"
    find "$cache" -name "$name.*.wasm" -delete
    mv "$cache/$name.$key.wasm.part" "$cache/$name.$key.wasm"
  fi
  cp "$cache/$name.$key.wasm" "$out/$name.wasm"
  local js_hash wasm_hash
  js_hash=$(content_hash "$out/$name.js")
  wasm_hash=$(content_hash "$out/$name.wasm")
  # The hydration script passes the WASM's URL to the glue, so its name is free.
  cp "$out/$name.js" "$SITE/pkg/$name.$js_hash.js"
  cp "$out/$name.wasm" "$SITE/pkg/$name.$wasm_hash.wasm"
  printf 'js: %s\nwasm: %s\ncss: %s\n' "$js_hash" "$wasm_hash" "$css_hash" >"$SITE/pkg/$name.hash.txt"
}

build_site() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_wasm_opt
  # Only this build's files: the hashed names of earlier builds go.
  rm -rf "$SITE/pkg"
  mkdir -p "$SITE/pkg"
  local css_hash
  css_hash=$(content_hash style/main.css)
  cp style/main.css "$SITE/pkg/ccjobs.$css_hash.css"
  # Two bundles: the dashboard's carries only the dashboard (and sign-in), so the first
  # load stays small; the job detail view, the API Playground and the settings load the
  # full one (app/src/lib.rs, bundle_for_page).
  say "building the WASM frontend (dashboard bundle)"
  build_bundle "" ccjobs "$css_hash"
  say "building the WASM frontend (full bundle)"
  build_bundle full ccjobs-full "$css_hash"
  cp -R public/. "$SITE/"
  node scripts/precompress.js "$SITE/pkg"
}
