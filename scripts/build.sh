#!/usr/bin/env bash
# Builds both trees: build/ (native: proxy, shared, tests) and build-web/ (Emscripten: web, shared).
# Incremental: a second run only rebuilds what changed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/common.sh
source "$here/scripts/common.sh"
cd "$here"
export EMSCRIPTEN_ROOT=${EMSCRIPTEN_ROOT:-$(dirname "$(readlink -f "$(command -v emcc)")")}
jobs=$(nproc)

[ -f build-web/build.ninja ] || { say "configuring the web build (build-web/)"; cmake --preset web >/dev/null; }
say "building the web client (build-web/)"
cmake --build build-web -j "$jobs"

[ -f build/build.ninja ] || { say "configuring the native build (build/)"; cmake --preset native >/dev/null; }
say "building the proxy and the tests (build/)"
cmake --build build -j "$jobs"
