#!/usr/bin/env bash
# Image preparation for upload (a 12 MP JPEG and a 12 MP PNG shrunk to 512 px, encoded as JPEG q90), timed in
# one headless Chromium run: the browser's own createImageBitmap + canvas path, a naive stb port, and
# shared/'s image_prepare as the web client ships it, plus the steps in between. Prints tables; asserts nothing.
#   bash bench/image_pipeline.sh [iterations]     (default 9; each adds about 4 s)
# docs/benchmarks.md describes the method and records a run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/common.sh
source "$here/scripts/common.sh"
cd "$here"
iterations=${1:-9}
export EMSCRIPTEN_ROOT=${EMSCRIPTEN_ROOT:-$(dirname "$(readlink -f "$(command -v emcc)")")}
[ -d tests/node_modules/playwright-core ] || die "playwright-core is missing: run scripts/setup.sh first"

[ -f build-web/build.ninja ] || { say "configuring the web build (build-web/)"; cmake --preset web >/dev/null; }
say "building the bench modules (build-web/bench/image_pipeline/; not part of the site)"
cmake --build build-web -j "$(nproc)" --target polylens_image_bench polylens_image_bench_scalar
say "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
node bench/image_pipeline.mjs build-web/bench/image_pipeline "$iterations"
