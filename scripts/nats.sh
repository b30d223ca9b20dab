#!/usr/bin/env bash
# A throwaway NATS server with JetStream on loopback, for the tests and
# benchmarks of servers sharing shows (Debian's `nats-server`, installed by scripts/tools.sh).
#   scripts/nats.sh start DIR PORT   start it, its store in DIR (kept across a restart); prints its URL
#   scripts/nats.sh stop DIR         stop it (DIR is left for the caller to remove)
set -euo pipefail

cmd=${1:?start or stop}; dir=${2:?folder}
case "$cmd" in
  start)
    port=${3:?port}
    command -v nats-server >/dev/null || { echo "nats.sh: no nats-server (scripts/tools.sh installs it)" >&2; exit 1; }
    mkdir -p "$dir"
    # Detached from our output, so a caller reading it (execFileSync, $(…)) does not wait for the server.
    nats-server -js -a 127.0.0.1 -p "$port" -sd "$dir/store" -P "$dir/pid" -l "$dir/server.log" </dev/null >/dev/null 2>&1 &
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { echo "nats://127.0.0.1:$port"; exit 0; }
      sleep 0.1
    done
    echo "nats.sh: nats-server did not listen on $port" >&2; cat "$dir/server.log" >&2; exit 1
    ;;
  stop)
    if [ -f "$dir/pid" ]; then
      pid=$(cat "$dir/pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$dir/pid"
    fi
    ;;
  *) echo "nats.sh: start or stop" >&2; exit 2 ;;
esac
