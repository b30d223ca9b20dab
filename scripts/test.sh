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

# Three jobs side by side: the PostgreSQL run mostly waits on sockets, the other two
# mostly compile. Each writes its own log, shown whole if it fails.
step "side by side: server tests on PostgreSQL and NATS; browser tests; the release viewer and studio"
logs=target/test-logs
rm -rf "$logs" && mkdir -p "$logs"
pg_dir=$(mktemp -d)
jobs_started=""
trap 'kill $jobs_started 2>/dev/null || true; scripts/postgres.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
pg_port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
pg_url=$(scripts/postgres.sh start "$pg_dir" "$pg_port")
# why --workspace, as the SQLite run: the same packages give the same features, so this
# run reuses that build instead of compiling the server and its tests again.
LAPAK_TEST_POSTGRES=$pg_url cargo test --workspace >"$logs/postgres.log" 2>&1 &
postgres=$!
# why nice: the compiling jobs yield the CPU to the servers the PostgreSQL tests start.
CHROMEDRIVER=/usr/bin/chromedriver nice wasm-pack test --headless --chrome >"$logs/browser.log" 2>&1 &
browser=$!
nice scripts/e2e.sh --build-only >"$logs/e2e-build.log" 2>&1 &
build=$!
jobs_started="$postgres $browser $build"
failed=0
for job in postgres:$postgres browser:$browser e2e-build:$build; do
  name=${job%%:*}
  if wait "${job#*:}"; then
    echo "$name: ok ($(grep -c '^test result: ok' "$logs/$name.log" || true) test binaries passed), after ${SECONDS}s"
  else
    echo "$name: FAILED (log follows: $logs/$name.log)"; cat "$logs/$name.log"; failed=1
  fi
done
[ "$failed" = 0 ] || exit 1
scripts/postgres.sh stop "$pg_dir"

step "end to end: the release viewer and studio against the real server in Chromium"
scripts/e2e.sh --built
echo "every check and test passed in ${SECONDS}s"
