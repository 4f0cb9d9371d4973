#!/usr/bin/env bash
# The README's demo command: installs and builds what is missing, indexes the bundled images into the
# embedded vector store (or Elasticsearch: ES_URL=..., or POLYLENS_DEMO_ES=1 to start one here) and
# serves the UI at http://127.0.0.1:8080 until Ctrl-C.
# With JINA_API_KEY set it uses the real Jina API; without, the Jina test double from tests/, and
# both the UI and the logs say that results come from a stand-in.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/common.sh
source "$here/scripts/common.sh"
bash "$here/scripts/setup.sh"
bash "$here/scripts/build.sh"

listen=${POLYLENS_LISTEN:-127.0.0.1:8080}
es_port=${POLYLENS_DEMO_ES_PORT:-9200}
state=$(mktemp -d /tmp/polylens-demo.XXXXXX)
chmod 755 "$state"
pids=()
cleaned=0
cleanup() {
  [ "$cleaned" = 1 ] && return
  cleaned=1
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -d "$state/es" ] && { bash "$here/scripts/es.sh" stop "$state/es" || true; }
  rm -rf "$state"
}
# A signal must end the script too, not only clean up: otherwise it would go on to the next step
# with Elasticsearch and the double already gone.
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

if [ -z "${ES_URL:-}" ] && [ "${POLYLENS_DEMO_ES:-0}" = 1 ]; then
  bash "$here/scripts/es.sh" start "$state/es" "$es_port"
  export ES_URL="http://127.0.0.1:$es_port"
fi
if [ -z "${ES_URL:-}" ]; then
  # The zero-setup default: no Elasticsearch, the vectors live in one directory.
  export POLYLENS_DATA_DIR=${POLYLENS_DATA_DIR:-$state/store}
  say "vector store: embedded, in $POLYLENS_DATA_DIR"
fi

if [ -z "${JINA_API_KEY:-}" ] && [ -z "${JINA_API_KEY_FILE:-}" ]; then
  printf '\n\033[1;33m%s\033[0m\n\n' "No JINA_API_KEY: using the Jina TEST DOUBLE from tests/. Results come from a stand-in, not the real jina-clip-v2 model." >&2
  "$here/build/tests/jina_double/jina_double" --assets "$here/assets" --port 0 > "$state/double.out" 2> "$state/double.log" &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q 'listening on' "$state/double.out" 2>/dev/null && break; sleep 0.1; done
  double_url=$(grep -oE 'http://[0-9.:]+' "$state/double.out" | head -n1)
  [ -n "$double_url" ] || die "the Jina test double did not start: $(cat "$state/double.log")"
  export JINA_API_URL="$double_url/v1/embeddings"
  export JINA_API_KEY=jina_test_double_key_00000000000000000000000000000000000000000000
fi

say "indexing the bundled images (assets/images)"
"$here/build/proxy/polylens" index "$here/assets/images"
say "serving the UI at http://$listen  (Ctrl-C stops everything)"
"$here/build/proxy/polylens" serve --listen "$listen" --web-root "$here/build-web/web" &
pids+=($!)
wait "${pids[-1]}"
