#!/usr/bin/env bash
# Builds the release viewer and server, starts the server on a free port with a
# fresh database, and runs the end-to-end journeys in Debian's Chromium.
# Screenshots and measurements go to target/e2e/. Arguments name test files to run
# instead of all of e2e/ (e.g. scripts/e2e.sh e2e/live.test.mjs).
# `--build-only` builds and stops; `--built` runs on what a `--build-only` made.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
case "${1:-}" in
  --built) shift ;;
  *)
    scripts/build-viewer.sh
    (cd studio && trunk build --release)
    cargo build -p lapak-server
    [ "${1:-}" = --build-only ] && exit 0 ;;
esac

# Every server the tests start takes a free RTMP port: several run side by side.
export LAPAK_RTMP_PORT=0
# The shared server runs the demo's two shows, as `./x demo` does; servers the
# tests start themselves run the demo show alone unless they say otherwise.
shows="server/shows/demo.toml,server/shows/kopi-pagi.toml"

out=target/e2e
rm -rf "$out" && mkdir -p "$out"
db="$(mktemp -d)/e2e.db"
log="$out/server.log"
# why: the loop below reads the log at once; the server, started in the background, may
# not have opened it yet.
: >"$log"
LAPAK_SHOW="$shows" target/debug/lapak-server --port 0 --db "$db" >"$log" 2>&1 &
server=$!
publisher=""
trap 'kill $publisher "$server" 2>/dev/null || true' EXIT

url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^Lapak is live at \(http[^ ]*\).*/\1/p' "$log" | head -1)"
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log"; echo "server exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$log"; echo "server did not start" >&2; exit 1; }

# The demo show goes live as in `./x demo`: a real ffmpeg publishes the sample clip.
ingest="$(sed -n 's#^RTMP ingest at \(rtmp://[^ ]*\)/<stream key>.*#\1#p' "$log" | head -1)"
[ -n "$ingest" ] || { cat "$log"; echo "no RTMP ingest" >&2; exit 1; }
key="$(LAPAK_DB="$db" LAPAK_SHOW="$shows" target/debug/lapak-server stream-key)"
scripts/publish.sh "$ingest/$key" &
publisher=$!

LAPAK_URL="$url" LAPAK_DB="$db" LAPAK_INGEST="$ingest" LAPAK_SERVER_BIN=target/debug/lapak-server E2E_OUT="$out" node --test --test-concurrency=1 "${@:-e2e/}"
