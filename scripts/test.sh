#!/usr/bin/env bash
# Every check and test, in the order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "layering: no module import loops in the viewer, protocol, server or studio"
python3 scripts/imports.py --self-test
python3 scripts/imports.py

step "lint (native crates, and the viewer and the studio for wasm32)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p lapak -p lapak-player -p lapak-intl -p lapak-studio --target wasm32-unknown-unknown --all-targets -- -D warnings
# The viewer as scripts/build-viewer.sh builds it: sheets behind wasm split points.
cargo clippy -p lapak --target wasm32-unknown-unknown --features split -- -D warnings

step "native tests: protocol, store, server (real server on 127.0.0.1:0, real WebSocket)"
cargo test --workspace

step "native server tests on PostgreSQL, and servers sharing shows through NATS (throwaway, on loopback)"
pg_dir=$(mktemp -d)
trap 'scripts/postgres.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
pg_port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
# why --workspace, as the SQLite run: the same packages give the same features, so this
# run reuses that build instead of compiling the server and its tests again.
LAPAK_TEST_POSTGRES=$(scripts/postgres.sh start "$pg_dir" "$pg_port") cargo test --workspace
scripts/postgres.sh stop "$pg_dir"

step "browser tests: wasm-pack test --headless --chrome (Debian Chromium)"
CHROMEDRIVER=/usr/bin/chromedriver wasm-pack test --headless --chrome

step "end to end: the release viewer and studio against the real server in Chromium"
scripts/e2e.sh
