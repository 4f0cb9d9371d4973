#!/usr/bin/env bash
# The embedded vector store against Elasticsearch in one run (bench/store_vs_elasticsearch.cpp has
# the method): starts a throwaway Elasticsearch on loopback with a 2 GB heap (the tests use 512 MB;
# ES_HEAP overrides), runs the bench and prints its markdown tables. Minutes: 100,000 documents of
# 256 + 1024 dims go into three stores, and Elasticsearch builds and merges its graphs.
#   bash bench/store_vs_elasticsearch.sh [--sizes 10000,100000] [--queries N]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/common.sh
source "$here/scripts/common.sh"
bench="$here/build/bench/store_vs_elasticsearch"
[ -x "$bench" ] || die "build first: bash scripts/build.sh"

work=$(mktemp -d /tmp/polylens-vs-es.XXXXXX); chmod 755 "$work"
cleanup() { bash "$here/scripts/es.sh" stop "$work/es" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
es_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ES_HEAP=${ES_HEAP:-2g} bash "$here/scripts/es.sh" start "$work/es" "$es_port" >&2
"$bench" --es-url "http://127.0.0.1:$es_port" --dir "$work/stores" "$@"
