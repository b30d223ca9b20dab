#!/usr/bin/env bash
# Builds the viewer and the studio (release) and the reference server, runs the demo show, and goes
# live on it as a host would: ffmpeg publishes the sample clip to the server's RTMP
# ingest, and the viewer plays the live HLS the server packages.
# Flags pass through to lapak-server: --port N (LAPAK_PORT), --db PATH (LAPAK_DB),
# --host, --show (LAPAK_SHOW, comma-separated), --rtmp-port N (LAPAK_RTMP_PORT).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Building the viewer (scripts/build-viewer.sh: cargo, wasm-split, wasm-bindgen, wasm-opt, Trunk)…"
scripts/build-viewer.sh
echo "Building the studio…"
(cd studio && trunk build --release)
echo "Building the server…"
cargo build --release -p lapak-server

# The demo runs two shows of its brand at once: tonight's, live, and the next, scheduled.
export LAPAK_SHOW="${LAPAK_SHOW:-server/shows/demo.toml,server/shows/kopi-pagi.toml}"
# The stream-key command must read the same database and shows as the server.
args=("$@")
while (($#)); do
  case "$1" in
    --db) export LAPAK_DB="$2"; shift ;;
    --show) export LAPAK_SHOW="$2"; shift ;;
  esac
  shift
done

log="$(mktemp)"
out="$(mktemp)"
target/release/lapak-server "${args[@]}" > >(tee "$out") 2> >(tee "$log" >&2) &
server=$!
# Stops this script's children: the server, the publisher (which stops its ffmpeg), the log tees.
trap 'pkill -TERM -P $$ 2>/dev/null || true; rm -f "$log" "$out"' EXIT INT TERM

# Prints the first match of sed script $1 in file $2, waiting up to 10 s while the server runs.
first_match() {
  local found
  for _ in $(seq 1 100); do
    found="$(sed -n "$1" "$2" | head -1)"
    [ -n "$found" ] && { echo "$found"; return; }
    kill -0 "$server" 2>/dev/null || exit 1
    sleep 0.1
  done
}

url="$(first_match 's/^Lapak is live at \(http[^ ]*\).*/\1/p' "$out")"
# The demo brand's owner, with a fresh password each run (docs/api.md).
password="$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
LAPAK_PASSWORD="$password" target/release/lapak-server add-user --email owner@demo.example --role owner >/dev/null
echo "Studio: ${url}studio/ — sign in as owner@demo.example with password $password (API: docs/api.md)"

# Only a show that ingests opens the RTMP port (and says where).
ingest="$(first_match 's#^RTMP ingest at \(rtmp://[^ ]*\)/<stream key>.*#\1#p' "$log")"
if [ -n "$ingest" ]; then
  key="$(target/release/lapak-server stream-key)"
  echo "Going live: ffmpeg publishes public/media/stream.mp4 to $ingest/<stream key>"
  echo "(a real encoder such as OBS can publish there instead: see docs/streaming.md)"
  scripts/publish.sh "$ingest/$key" &
fi
wait "$server"
