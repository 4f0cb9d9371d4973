#!/usr/bin/env bash
# The README's test command: installs what is missing, builds both trees, runs every test through
# ctest (unit, integration, e2e). Elasticsearch is started and stopped by ctest itself.
# Extra arguments go to ctest, e.g. scripts/test.sh -L unit
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$here/scripts/setup.sh"
bash "$here/scripts/build.sh"
cd "$here"
# ctest runs the Elasticsearch fixture, then the suites; --output-on-failure shows a failing test's log.
ctest --test-dir build --output-on-failure "$@"
