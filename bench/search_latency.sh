#!/usr/bin/env bash
# Search latency through the real proxy on loopback: Elasticsearch 9 (local, 118 bundled photos)
# and the Jina test double as the embedder, so "embed" here is the proxy-to-double round trip, not
# Jina's. Prints a table of percentiles over N sequential searches (default 300).
#   bash bench/search_latency.sh [N]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/common.sh
source "$here/scripts/common.sh"
n=${1:-300}
proxy="$here/build/proxy/polylens" double="$here/build/tests/jina_double/jina_double"
[ -x "$proxy" ] && [ -x "$double" ] || die "build first: bash scripts/build.sh"

work=$(mktemp -d /tmp/polylens-bench.XXXXXX); chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; bash "$here/scripts/es.sh" stop "$work/es" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

es_port=$(free_port)
bash "$here/scripts/es.sh" start "$work/es" "$es_port" 2>/dev/null
"$double" --assets "$here/assets" --port 0 > "$work/double.out" 2>/dev/null & pids+=($!)
until grep -q listening "$work/double.out" 2>/dev/null; do sleep 0.1; done
export JINA_API_URL="$(grep -oE 'http://[0-9.:]+' "$work/double.out")/v1/embeddings"
export JINA_API_KEY="jina_test_double_key_00000000000000000000000000000000000000000000"
export ES_URL="http://127.0.0.1:$es_port" POLYLENS_INDEX=bench
"$proxy" index "$here/assets/images" 2>/dev/null
"$proxy" serve --listen 127.0.0.1:0 > "$work/proxy.out" 2>/dev/null & pids+=($!)
until grep -q listening "$work/proxy.out" 2>/dev/null; do sleep 0.1; done
url=$(grep -oE 'http://[0-9.:]+' "$work/proxy.out")

queries=("cat" "torre Eiffel" "エッフェル塔" "برج إيفل" "lighthouse" "红色的花" "горы" "pizza")
for i in $(seq 1 20); do  # warm-up: JIT, caches, connections
  curl -s "$url/api/v1/search" -H 'content-type: application/json' -d '{"text":"warm up"}' -o /dev/null
done
for i in $(seq 1 "$n"); do
  q=${queries[$((i % ${#queries[@]}))]}
  curl -s -D - -o /dev/null -w 'client;dur=%{time_total}\n' "$url/api/v1/search" \
       -H 'content-type: application/json' -d "{\"text\":\"$q\",\"k\":12}" | grep -iE '^server-timing|^client'
done > "$work/timings"

python3 - "$work/timings" "$n" <<'PY'
import re, sys
rows = {"embed": [], "knn": [], "total": [], "client": []}
for line in open(sys.argv[1]):
    for name, dur in re.findall(r'(embed|knn|total|client);dur=([0-9.]+)', line):
        rows[name].append(float(dur) * (1000 if name == "client" else 1))
def pct(v, p): v = sorted(v); return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]
print(f"search latency over {sys.argv[2]} sequential requests, ms (loopback, 118 photos, Jina test double)")
print(f"| {'part':<28} | {'p50':>7} | {'p90':>7} | {'p99':>7} |")
print(f"|{'-'*30}|{'-'*9}|{'-'*9}|{'-'*9}|")
names = {"embed": "embed (proxy -> double)", "knn": "kNN (proxy -> Elasticsearch)", "total": "total inside the proxy", "client": "client round trip (curl)"}
for k in ["embed", "knn", "total", "client"]:
    v = rows[k]
    print(f"| {names[k]:<28} | {pct(v,50):7.2f} | {pct(v,90):7.2f} | {pct(v,99):7.2f} |")
PY
