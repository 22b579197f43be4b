#!/bin/sh
# The kill soak: SIGKILL at random points of a long upgrade, many times.
#   bench/kill-soak.sh [KILLS] [REVISIONS]   (default 120 kills, 150 revisions)
# After each kill: PRAGMA integrity_check is ok, the normalised schema equals
# the one a clean run has at the revision the version table names, every seed
# row is there with its data, and a second upgrade head finishes the job.
# The test suite runs the same program with 8 kills of a 40-revision upgrade.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-_build-safety}

[ -f "$build/build.ninja" ] || meson setup "$build" -Dgui=false
ninja -C "$build" tests/core/test-kill-soak tests/core/strata-kill-helper

STRATA_SOAK_KILLS=${1:-120} STRATA_SOAK_REVISIONS=${2:-150} \
  "$build/tests/core/test-kill-soak" --verbose 2>&1 |
  grep -E "^(ok|not ok|Bail out|#.*(takes|kills:))"
