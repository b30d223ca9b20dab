#!/usr/bin/env bash
# Writes BENCHMARKS.md: release transfer sizes of the viewer, and what the
# end-to-end run in Chromium measured (tap → render, reconnect → live, soak),
# plus the fuzz run's count, checkout and gift throughput under load, and the
# server's fan-out to thousands of viewers, and the viewer under event floods
# beside a hand-written vanilla-JS page (e2e/flood.bench.mjs), and glass to glass from a test
# encoder's painted clock to viewers' screens (e2e/glass.bench.mjs). Beside the viewer's size: the floor
# (bench/counter, a one-button Leptos counter built the same way), hls.js from
# npm, and the largest items of the viewer's wasm by twiggy.
set -euo pipefail
cd "$(dirname "$0")/.."
# Servers started here (examples, flood pages) take a free RTMP port each.
export LAPAK_RTMP_PORT=0

TWIGGY_VERSION=0.8.0
twiggy --version 2>/dev/null | grep -q "$TWIGGY_VERSION" || {
  echo "[bench] cargo install twiggy $TWIGGY_VERSION (~2 min)"
  cargo install twiggy --version "=$TWIGGY_VERSION" --locked --force
}

scripts/e2e.sh   # builds dist/ (release) and records target/e2e/metrics.json

# Sizes beside the viewer's, for scripts/bench_report.py (target/bench/).
cargo_target="$(cargo metadata -q --format-version 1 --no-deps \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
out="$PWD/target/bench"
mkdir -p "$out"
# The floor: the counter with the viewer's Trunk settings and profile, sharing its target directory.
(cd bench/counter && CARGO_TARGET_DIR="$cargo_target" trunk build --release --dist "$out/counter")
# Twiggy needs names, which wasm-opt drops: the viewer's wasm-release build (left by trunk above)
# through wasm-bindgen and wasm-opt -Oz as Trunk runs them, with -g to keep the name section.
wasm-bindgen --target web --no-typescript --out-dir "$out/named" "$cargo_target/wasm32-unknown-unknown/wasm-release/lapak.wasm"
wasm-opt -Oz -g --output="$out/named/lapak_bg.wasm" "$out/named/lapak_bg.wasm"
twiggy top -n 1000000 --format json "$out/named/lapak_bg.wasm" > "$out/twiggy.json"

cargo test -q -p lapak-server --test fuzz -- --nocapture 2>&1 | grep '^fuzz:' > target/e2e/fuzz.txt
cargo run -q --release -p lapak-server --example checkout_load > target/e2e/checkout.jsonl
cargo run -q --release -p lapak-server --example gift_load > target/e2e/gifts.jsonl
cargo run -q --release -p lapak-server --example payments_load > target/e2e/payments.jsonl
cargo build -q --release -p lapak-server   # fanout_load and SERVERS runs start this binary
# The same on PostgreSQL, a throwaway cluster on loopback, and checkout across 1 to 3 servers sharing it.
pg_dir=$(mktemp -d)
trap 'scripts/postgres.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
pg_port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
pg_url=$(scripts/postgres.sh start "$pg_dir" "$pg_port" durable)
LAPAK_TEST_POSTGRES=$pg_url cargo run -q --release -p lapak-server --example checkout_load > target/e2e/checkout-postgres.jsonl
LAPAK_TEST_POSTGRES=$pg_url cargo run -q --release -p lapak-server --example gift_load > target/e2e/gifts-postgres.jsonl
LAPAK_TEST_POSTGRES=$pg_url cargo run -q --release -p lapak-server --example payments_load > target/e2e/payments-postgres.jsonl
SERVERS=1,2,3 LAPAK_TEST_POSTGRES=$pg_url cargo run -q --release -p lapak-server --example checkout_load > target/e2e/checkout-servers.jsonl
# A flash deal raced for: on SQLite, then on PostgreSQL over 1 and 3 servers;
# late in a big deal (9,900 of 10,000 units sold before); four shows' deals at once;
# buyers who check out once the deal has sold out.
cargo run -q --release -p lapak-server --example deal_load > target/e2e/deal.jsonl
SOLD=9900 cargo run -q --release -p lapak-server --example deal_load >> target/e2e/deal.jsonl
LATE=1 cargo run -q --release -p lapak-server --example deal_load >> target/e2e/deal.jsonl
SHOWS=4 cargo run -q --release -p lapak-server --example deal_load >> target/e2e/deal.jsonl
SERVERS=1,3 LAPAK_TEST_POSTGRES=$pg_url cargo run -q --release -p lapak-server --example deal_load >> target/e2e/deal.jsonl
SOLD=9900 SERVERS=1 LAPAK_TEST_POSTGRES=$pg_url cargo run -q --release -p lapak-server --example deal_load >> target/e2e/deal.jsonl
LATE=1 SERVERS=1 LAPAK_TEST_POSTGRES=$pg_url cargo run -q --release -p lapak-server --example deal_load >> target/e2e/deal.jsonl
SHOWS=4 SERVERS=1,3 LAPAK_TEST_POSTGRES=$pg_url cargo run -q --release -p lapak-server --example deal_load >> target/e2e/deal.jsonl
LAPAK_TEST_POSTGRES=$pg_url cargo run -q --release -p lapak-server --example failover_load > target/e2e/failover.jsonl
NATS=1 LAPAK_TEST_POSTGRES=$pg_url cargo run -q --release -p lapak-server --example failover_load >> target/e2e/failover.jsonl
# Fan-out over 1 to 3 servers sharing the show through a nats-server of the run's own, then with 1,000 more events a second.
SERVERS=1,2,3 LAPAK_TEST_POSTGRES=$pg_url cargo run -q --release -p lapak-server --example fanout_load > target/e2e/fanout-servers.jsonl
FLOOD=stock=1000 SERVERS=1,3 LAPAK_TEST_POSTGRES=$pg_url cargo run -q --release -p lapak-server --example fanout_load 1000 >> target/e2e/fanout-servers.jsonl
scripts/postgres.sh stop "$pg_dir"
cargo run -q --release -p lapak-server --example fanout_load > target/e2e/fanout.jsonl
cargo run -q --release -p lapak-server --example replay_load > target/e2e/replay.jsonl
# Event floods (~6 min): the release server's --flood beside the vanilla page; into metrics.json.
LAPAK_SERVER_BIN=target/release/lapak-server E2E_OUT=target/e2e node --test e2e/flood.bench.mjs
# Live video (~13 min): packaging ffmpeg's CPU and memory, a 10-minute soak; into metrics.json.
LAPAK_SERVER_BIN=target/release/lapak-server E2E_OUT=target/e2e node --test e2e/live.bench.mjs
# Glass to glass (~30 min): a test encoder's painted capture time read back on viewers' screens,
# LL-HLS and plain HLS side by side; into metrics.json.
LAPAK_SERVER_BIN=target/release/lapak-server E2E_OUT=target/e2e node --test e2e/glass.bench.mjs
# Written aside first: the report keeps the hand-measured sections of the BENCHMARKS.md it replaces.
python3 scripts/bench_report.py > target/bench/BENCHMARKS.md
mv target/bench/BENCHMARKS.md BENCHMARKS.md
cat BENCHMARKS.md
