#!/usr/bin/env bash
# Builds the viewer (release) and the reference server, then runs the demo show.
# Flags pass through to lapak-server: --port N (LAPAK_PORT), --db PATH (LAPAK_DB), --host, --show.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Building the viewer (trunk build --release)…"
trunk build --release
echo "Building the server…"
cargo build --release -p lapak-server
exec target/release/lapak-server "$@"
