#!/usr/bin/env bash
# ctest fixture: one Elasticsearch for every integration and e2e test of a run.
#   es_fixture.sh start <state-dir>   start on a free loopback port; write its URL to <state-dir>/url
#   es_fixture.sh stop <state-dir>    stop it (ctest runs this even when tests failed)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cmd=$1 state_dir=$2
case "$cmd" in
  start)
    port=""
    for _ in $(seq 1 50); do
      candidate=$((20000 + RANDOM % 20000))
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
    done
    [ -n "$port" ] || { echo "no free port for Elasticsearch" >&2; exit 1; }
    rm -f "$state_dir/url"
    # Elasticsearch runs as an unprivileged user, who may not be able to enter the checkout (a home
    # folder is often private), so its files live under /tmp.
    run_dir=$(mktemp -d /tmp/polylens-es-test.XXXXXX)
    chmod 755 "$run_dir"
    echo "$run_dir" > "$state_dir/run_dir"
    bash "$here/scripts/es.sh" start "$run_dir/es" "$port"
    echo "http://127.0.0.1:$port" > "$state_dir/url"
    ;;
  stop)
    if [ -f "$state_dir/run_dir" ]; then
      run_dir=$(cat "$state_dir/run_dir")
      bash "$here/scripts/es.sh" stop "$run_dir/es"
      rm -rf "$run_dir"
    fi
    rm -f "$state_dir/url" "$state_dir/run_dir"
    ;;
  *) echo "usage: es_fixture.sh start|stop <state-dir>" >&2; exit 2 ;;
esac
