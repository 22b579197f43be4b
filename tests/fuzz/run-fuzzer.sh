#!/bin/sh
# Runs one libFuzzer target for a bounded time from its seed corpus.
#   run-fuzzer.sh FUZZER SEED-CORPUS SCRATCH-DIR SECONDS
# New inputs go to SCRATCH-DIR, never into the repository's corpus; a crash
# is written to SCRATCH-DIR/crash-* and fails the test. Keep such an input
# as a regression case in the seed corpus once it is fixed.
set -eu
fuzzer=$1 corpus=$2 scratch=$3 seconds=$4
mkdir -p "$scratch"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$scratch/" "$scratch" "$corpus"
