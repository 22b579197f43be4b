#!/bin/sh
# Runs every libFuzzer target of tests/fuzz for longer than the test suite does.
#   bench/fuzz-long.sh [SECONDS-PER-TARGET]   (default 600)
# Needs clang (build-aux/dev.sh installs it). New interesting inputs stay in
# _build-fuzz/long-*/; a crash is written there as crash-* and stops the run.
# Fix it, then copy the input into tests/fuzz/corpus/<target>/ as a
# regression case. The last lines of each run are the libFuzzer statistics
# docs/reliability.md quotes.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
seconds=${1:-600}

if [ ! -f _build-fuzz/build.ninja ]; then
  CC=clang meson setup _build-fuzz -Dfuzzing=true -Dgui=false
fi
ninja -C _build-fuzz

for target in revision config target; do
  scratch=_build-fuzz/long-$target
  mkdir -p "$scratch"
  echo "== fuzz-$target for $seconds s"
  _build-fuzz/tests/fuzz/fuzz-$target -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$scratch/" \
    "$scratch" "tests/fuzz/corpus/$target" 2>&1 |
    grep -E "^(stat::|#[0-9]+ +DONE|==[0-9]+==ERROR|SUMMARY)" || true
  if ls "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-* >/dev/null 2>&1; then
    echo "fuzz-$target found a problem: $(ls "$scratch"/crash-* "$scratch"/leak-* \
      "$scratch"/timeout-* 2>/dev/null)" >&2
    exit 1
  fi
done
echo "No crash, leak or timeout."
