#!/usr/bin/env bash
# run_fuzzer.sh <fuzzer> <seed corpus dir> <work dir> [libFuzzer flags...]
# Runs one libFuzzer target as a ctest test. New inputs go to a fresh corpus in the work dir, never
# into the seeds, so every run starts from the same corpus and -seed=1 makes it repeat exactly.
# A crash leaves its input in <work dir>/artifacts/; re-run it with: <fuzzer> <that file>.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3
shift 3
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
status=0
"$fuzzer" -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" "$work/corpus" "$seeds" || status=$?
if [ "$status" -ne 0 ]; then
  echo "FUZZ FAILURE: $(basename "$fuzzer") exited with $status; inputs in $work/artifacts/:" >&2
  ls -l "$work/artifacts/" >&2
fi
exit "$status"
