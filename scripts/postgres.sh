#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, for the tests and benchmarks that
# run Lapak on PostgreSQL (Debian's `postgresql`, installed by scripts/tools.sh).
#   scripts/postgres.sh start DIR PORT [durable]
#                                        initdb in DIR (unless done), start it; prints the cluster's URL.
#                                        Tests run without fsync; `durable` keeps PostgreSQL's own (benchmarks).
#   scripts/postgres.sh stop DIR         stop it (DIR is left for the caller to remove)
# As root, the cluster runs as the `postgres` user: PostgreSQL refuses to run as root.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/pg_ctl" ] || { echo "postgres.sh: no PostgreSQL under /usr/lib/postgresql (scripts/tools.sh installs it)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cmd=${1:?start or stop}; dir=${2:?cluster folder}
case "$cmd" in
  start)
    port=${3:?port}
    if [ ! -d "$dir/data" ]; then
      mkdir -p "$dir"
      if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
      as_owner "$bin/initdb" -D "$dir/data" -U lapak --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # Tests make a database per server, each with a few pooled connections.
    options="-h 127.0.0.1 -p $port -k $dir -c max_connections=400"
    # fsync off: a test cluster is thrown away, so speed matters more than power-loss safety.
    [ "${4:-}" = durable ] || options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o "$options" >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://lapak@127.0.0.1:$port"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  *) echo "postgres.sh: start or stop" >&2; exit 2 ;;
esac
