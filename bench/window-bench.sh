#!/bin/sh
# The main window on big projects: opening 10,000 revisions against
# `strata-cli heads`, and the main loop's longest stall during and after an
# upgrade of 1,000 revisions against the idle window. Runs under Xvfb.
#
#   bench/window-bench.sh [BUILD_DIR] [--open N] [--upgrade N] [--stalls]
#
# See docs/benchmarks.md.
set -eu
build=${1:-_build}
[ $# -gt 0 ] && shift
bench=$build/bench/window-bench
if [ ! -x "$bench" ]; then
  echo "no $bench: run meson setup $build && ninja -C $build" >&2
  exit 1
fi
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
export XDG_CACHE_HOME="$cache" GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data"
export NO_AT_BRIDGE=1 STRATA_NO_RESTORE=1
export STRATA_TEST_SCREEN=1280x800x24
exec "$(dirname "$0")/../build-aux/with-display.sh" \
  "$bench" --cli "$build/src/cli/strata-cli" "$@"
