# Shared by the scripts in this folder: paths, pinned versions, messages. Sourced, never run.
here=${here:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# shellcheck source=scripts/versions.env
source "$here/scripts/versions.env"
deps_dir="$here/.deps"
# Elasticsearch runs as this unprivileged user, so its files live where that user can read them
# even when the checkout sits under a private home folder.
es_user=polylens-es
if [ "$(id -u)" -eq 0 ]; then es_cache=/var/cache/polylens; else es_cache="$deps_dir"; fi
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}   # Debian's emscripten finds its npm modules there

say() { printf '\033[1m[polylens]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[polylens] error:\033[0m %s\n' "$*" >&2; exit 1; }

# The newest JDK under /usr/lib/jvm that runs Elasticsearch 9 (Java 21+), or nothing.
java_for_es() {
  local jdk best="" best_major=0 major
  for jdk in /usr/lib/jvm/*/; do
    [ -x "$jdk/bin/java" ] || continue
    major=$("$jdk/bin/java" -version 2>&1 | grep -oE 'version "[0-9]+' | grep -oE '[0-9]+$' || echo 0)
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best=${jdk%/}; best_major=$major; fi
  done
  echo "$best"
}

# ES 9 needs Java 21+; without it we fall back to 8.x on Java 17 and say so loudly.
es_pick_version() {
  if [ -n "$(java_for_es)" ]; then echo "$ES_VERSION"; else echo "$ES_FALLBACK_VERSION"; fi
}
es_home_dir() { echo "$es_cache/elasticsearch-$(es_pick_version)"; }
