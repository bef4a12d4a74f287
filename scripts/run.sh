#!/usr/bin/env bash
# `make run`: install what is missing, build, then serve on http://127.0.0.1:3000 with a
# SQLite database under ./data/ (created and migrated on start).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build_site
say "building the server (release)"
cargo build --release -p server
say "starting ccjobs"
exec ./target/release/ccjobs serve "$@"
