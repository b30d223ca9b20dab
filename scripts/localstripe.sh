#!/usr/bin/env bash
# localstripe (PyPI), a stateful fake of Stripe's API — PaymentIntents, refunds,
# signed webhooks and a fake Stripe.js — on loopback, for the Stripe provider's tests.
#   scripts/localstripe.sh start DIR [PORT]   install it (once, into target/localstripe-venv),
#                                           start it on 127.0.0.1:PORT (default: any free port);
#                                           prints its URL. DIR keeps its pid, port and log.
#   scripts/localstripe.sh stop DIR           stop the process that `start DIR` started
#   scripts/localstripe.sh install            only install it (scripts/tools.sh does, up front)
# Needs python3 with venv and pip; pip is the only thing that downloads, from PyPI, once.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/target/localstripe-venv
# 1.15.10 runs on Python 3.11 with aiohttp 3.x (aiohttp 4 would change `web.run_app`).
pins=(localstripe==1.15.10 'aiohttp>=3.9,<4')

install() {
  mkdir -p "$root/target"
  # why: tests start several at once; one installs while the others wait for it.
  exec 9>"$root/target/localstripe-venv.lock"
  flock 9
  if ! "$venv/bin/python" -c 'import localstripe' 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}" >&2
  fi
  flock -u 9
}

cmd=${1:?install, start or stop}
if [ "$cmd" = install ]; then install; exit 0; fi
dir=${2:?state folder}
case "$cmd" in
  start)
    port=${3:-0}
    command -v python3 >/dev/null || { echo "localstripe.sh: python3 is missing" >&2; exit 3; }
    install
    mkdir -p "$dir"
    rm -f "$dir/port"
    # why: localstripe's own `start()` listens on every interface and pickles its
    # store to /tmp/localstripe.pickle (one file for every instance on the
    # machine); this listens on loopback only and keeps each instance's store in memory.
    "$venv/bin/python" - "$port" "$dir/port" >"$dir/localstripe.log" 2>&1 <<'EOF' &
import os, socket, sys
from aiohttp import web
from localstripe import resources, server

resources.Store.dump_to_disk = lambda self: None
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", int(sys.argv[1])))
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(sock.getsockname()[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
web.run_app(server.app, sock=sock, print=None)
EOF
    echo $! >"$dir/pid"
    for _ in $(seq 200); do
      if [ -s "$dir/port" ] && (exec 3<>"/dev/tcp/127.0.0.1/$(cat "$dir/port")") 2>/dev/null; then
        echo "http://127.0.0.1:$(cat "$dir/port")"
        exit 0
      fi
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
      sleep 0.05
    done
    cat "$dir/localstripe.log" >&2
    echo "localstripe.sh: localstripe did not start" >&2
    exit 1
    ;;
  stop)
    if [ -s "$dir/pid" ]; then
      kill "$(cat "$dir/pid")" 2>/dev/null || true
      rm -f "$dir/pid"
    fi
    ;;
  *) echo "localstripe.sh: start or stop" >&2; exit 2 ;;
esac
