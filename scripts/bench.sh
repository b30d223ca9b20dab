#!/usr/bin/env bash
# Writes BENCHMARKS.md: release transfer sizes of the viewer, and what the
# end-to-end run in Chromium measured (tap → render, reconnect → live, soak),
# plus the fuzz run's count, checkout and gift throughput under load, and the
# server's fan-out to thousands of viewers.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/e2e.sh   # builds dist/ (release) and records target/e2e/metrics.json
cargo test -q -p lapak-server --test fuzz -- --nocapture 2>&1 | grep '^fuzz:' > target/e2e/fuzz.txt
cargo run -q --release -p lapak-server --example checkout_load > target/e2e/checkout.jsonl
cargo run -q --release -p lapak-server --example gift_load > target/e2e/gifts.jsonl
cargo build -q --release -p lapak-server   # fanout_load runs this binary as a child process
cargo run -q --release -p lapak-server --example fanout_load > target/e2e/fanout.jsonl
python3 scripts/bench_report.py > BENCHMARKS.md
cat BENCHMARKS.md
