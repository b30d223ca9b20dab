#!/usr/bin/env bash
# Writes BENCHMARKS.md: release transfer sizes of the viewer, and tap → cart
# count rendered as measured by the end-to-end run in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/e2e.sh   # builds dist/ (release) and records target/e2e/metrics.json
python3 scripts/bench_report.py > BENCHMARKS.md
cat BENCHMARKS.md
