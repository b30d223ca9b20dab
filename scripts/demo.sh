#!/usr/bin/env bash
# Builds the viewer (release) and the reference server, runs the demo show, and goes
# live on it as a host would: ffmpeg publishes the sample clip to the server's RTMP
# ingest, and the viewer plays the live HLS the server packages.
# Flags pass through to lapak-server: --port N (LAPAK_PORT), --db PATH (LAPAK_DB),
# --host, --show, --rtmp-port N (LAPAK_RTMP_PORT).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Building the viewer (trunk build --release)…"
trunk build --release
echo "Building the server…"
cargo build --release -p lapak-server

# The stream-key command must read the same database and show as the server.
args=("$@")
while (($#)); do
  case "$1" in
    --db) export LAPAK_DB="$2"; shift ;;
    --show) export LAPAK_SHOW="$2"; shift ;;
  esac
  shift
done

log="$(mktemp)"
target/release/lapak-server "${args[@]}" 2> >(tee "$log" >&2) &
server=$!
# Stops this script's children: the server, the publisher (which stops its ffmpeg), the log tee.
trap 'pkill -TERM -P $$ 2>/dev/null || true; rm -f "$log"' EXIT INT TERM

ingest=""
for _ in $(seq 1 100); do
  ingest="$(sed -n 's#^RTMP ingest at \(rtmp://[^ ]*\)/<stream key>.*#\1#p' "$log" | head -1)"
  [ -n "$ingest" ] && break
  kill -0 "$server" 2>/dev/null || exit 1
  sleep 0.1
done
if [ -n "$ingest" ]; then
  key="$(target/release/lapak-server stream-key)"
  echo "Going live: ffmpeg publishes public/media/stream.mp4 to $ingest/<stream key>"
  echo "(a real encoder such as OBS can publish there instead: see docs/streaming.md)"
  scripts/publish.sh "$ingest/$key" &
fi
wait "$server"
