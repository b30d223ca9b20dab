#!/usr/bin/env bash
# Publishes a clip to a Lapak RTMP ingest as a host's encoder would: looped, in
# real time, copied as it is (its keyframes are 1 s apart, so the HLS segments are 1 s).
# If ffmpeg stops (the server restarted, the network dropped), it publishes again.
#   scripts/publish.sh rtmp://127.0.0.1:1935/live/<stream key> [clip]
set -euo pipefail
cd "$(dirname "$0")/.."
url="$1"
clip="${2:-public/media/stream.mp4}"
ffmpeg=""
trap '[ -n "$ffmpeg" ] && kill "$ffmpeg" 2>/dev/null; exit 0' INT TERM
while true; do
  ffmpeg -hide_banner -loglevel error -nostdin -re -stream_loop -1 -i "$clip" \
    -c copy -f flv "$url" &
  ffmpeg=$!
  wait "$ffmpeg" || true
  sleep 1
done
