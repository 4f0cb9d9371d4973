#!/usr/bin/env bash
# Runs a throwaway single-node Elasticsearch on loopback for tests and the demo.
#   es.sh start <run-dir> <http-port>   starts it (data, logs and config under run-dir), waits for yellow
#   es.sh stop  <run-dir>               stops it and deletes run-dir
# ES_HEAP (default 512m) sets the JVM heap: enough for the tests; the store bench asks for more.
# Facts behind the settings: ../shared/contracts/elasticsearch-9-knn.md, section 10.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/common.sh
source "$here/scripts/common.sh"

cmd=${1:-}; run_dir=${2:-}
[ -n "$cmd" ] && [ -n "$run_dir" ] || die "usage: es.sh start <run-dir> <http-port> | es.sh stop <run-dir>"

stop() {
  local pid_file="$run_dir/es.pid" pid
  if [ -f "$pid_file" ]; then
    pid=$(cat "$pid_file")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$run_dir"
}

start() {
  local port=$1 es_home java_home
  es_home=$(es_home_dir)
  [ -x "$es_home/bin/elasticsearch" ] || die "Elasticsearch is not installed at $es_home: run scripts/setup.sh"
  java_home=$(java_for_es)
  if [ -z "$java_home" ]; then
    java_home=$(ls -d /usr/lib/jvm/java-17-openjdk-* 2>/dev/null | head -n1)
    printf '\n\033[1;33m%s\033[0m\n\n' "WARNING: no Java 21+ JDK under /usr/lib/jvm, so this is Elasticsearch $(es_pick_version) on Java 17, NOT Elasticsearch 9." >&2
  fi
  rm -rf "$run_dir" && mkdir -p "$run_dir/data" "$run_dir/logs"
  cp -r "$es_home/config" "$run_dir/config"
  local runner=()
  if [ "$(id -u)" -eq 0 ]; then
    chown -R "$es_user:" "$run_dir"
    runner=(runuser -u "$es_user" --)
  fi
  # -Xms/-Xmx: otherwise the heap is sized from the machine's RAM (ES_HEAP replaces the 512m). Disk
  # thresholds off: build machines have been seen with almost no free disk, and the flood-stage block
  # would fail writes.
  "${runner[@]}" env ES_JAVA_HOME="$java_home" ES_PATH_CONF="$run_dir/config" ES_JAVA_OPTS="-Xms${ES_HEAP:-512m} -Xmx${ES_HEAP:-512m}" \
    "$es_home/bin/elasticsearch" -d -p "$run_dir/es.pid" \
      -Ediscovery.type=single-node -Enetwork.host=127.0.0.1 \
      -Ehttp.port="$port" -Etransport.port=0 \
      -Epath.data="$run_dir/data" -Epath.logs="$run_dir/logs" \
      -Expack.security.enabled=false \
      -Ecluster.routing.allocation.disk.threshold_enabled=false \
      >"$run_dir/console.log" 2>&1 || { cat "$run_dir/console.log" >&2; tail -n 40 "$run_dir"/logs/*.log 2>/dev/null >&2; die "Elasticsearch did not start"; }
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 240); do
    if curl -fsS "$url/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
      say "Elasticsearch $(curl -fsS "$url/_nodes/_local?filter_path=nodes.*.version" | grep -oE '[0-9]+\.[0-9]+\.[0-9]+') ready at $url"
      return 0
    fi
    sleep 0.5
  done
  tail -n 40 "$run_dir"/logs/*.log >&2 || true
  stop
  die "Elasticsearch did not become healthy at $url within 120 s"
}

case "$cmd" in
  start) start "${3:?http port}" ;;
  stop) stop ;;
  *) die "unknown command '$cmd'" ;;
esac
