#!/bin/sh
# The two commands of the README:
#   build-aux/dev.sh run    install what is missing, build, open the example project
#   build-aux/dev.sh test   install what is missing, build with -Werror, run every test,
#                           then under valgrind, then under AddressSanitizer and
#                           UndefinedBehaviorSanitizer, then the libFuzzer targets (clang)
#                           for a bounded time each, then (as root) the flatpak
#
# Everything either command calls, directly or through the tools it starts, is
# installed here: a program that a newcomer's machine lacks must fail the first
# minute with the package to install, never thirty minutes in. `need` (build-aux/need.sh) is
# that check; each stage calls it before it starts.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# Debian 12 / Ubuntu package names. Everything the build, the tests and the
# screenshots need; nothing installed by hand counts. Installed without
# Recommends, so what a tool only recommends but calls (gcc's libc6-dev) is named.
build_packages="meson ninja-build pkg-config gcc libc6-dev gettext git
  libglib2.0-dev libglib2.0-dev-bin libglib2.0-bin libsqlite3-dev sqlite3 libjson-glib-dev
  libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev libepoxy-dev"
test_packages="desktop-file-utils appstream xvfb xauth dbus dbus-daemon dbus-x11 imagemagick
  at-spi2-core gir1.2-atspi-2.0 gir1.2-glib-2.0 python3 python3-gi python3-alembic
  python3-sqlalchemy valgrind libc6-dbg clang libclang-rt-14-dev"

# Each stage's programs, as PROGRAM:PACKAGE. A PROGRAM with a slash is a file.
# python3 modules are checked apart (need_python).
build_needs="meson:meson ninja:ninja-build pkg-config:pkg-config gcc:gcc msgfmt:gettext
  glib-compile-resources:libglib2.0-dev-bin glib-compile-schemas:libglib2.0-bin
  /usr/include/stdio.h:libc6-dev"
suite_needs="Xvfb:xvfb xauth:xauth dbus-daemon:dbus-daemon
  dbus-launch:dbus-x11 sqlite3:sqlite3 desktop-file-validate:desktop-file-utils
  appstreamcli:appstream import:imagemagick identify:imagemagick msgmerge:gettext
  msgattrib:gettext xgettext:gettext /usr/libexec/at-spi-bus-launcher:at-spi2-core
  /usr/bin/python3:python3"
valgrind_needs="valgrind:valgrind /usr/lib/debug/.build-id:libc6-dbg"
fuzz_needs="clang:clang"

run_packages="$build_packages"
all_packages="$build_packages $test_packages"

missing_packages() {
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      printf ' %s' "$p"
  done
}

install_packages() {
  # shellcheck disable=SC2086 # word splitting of the lists is wanted
  missing=$(missing_packages $*)
  [ -z "$missing" ] && return 0
  echo "Installing:$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}

# need, from build-aux/need.sh. It uses "needed_by", not "stage": sh has no
# locals, and "stage" names the stage being timed.
. "$top/build-aux/need.sh"

# The end-to-end test drives the app through AT-SPI from Debian's Python, and
# the Alembic interop tests run Debian's Alembic; a python3 earlier on PATH
# (pyenv, a venv) does not have them, so the system one is asked.
need_python() {
  if ! /usr/bin/python3 - <<'PY' 2>/dev/null
import gi
gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: F401
import alembic, sqlalchemy  # noqa: F401,E401
PY
  then
    echo "dev.sh: /usr/bin/python3 cannot import gi's Atspi, alembic and sqlalchemy;" \
         "install python3-gi gir1.2-atspi-2.0 python3-alembic python3-sqlalchemy." >&2
    exit 1
  fi
}

# libFuzzer's runtime is a separate package from clang on Debian.
need_fuzzer_runtime() {
  need "the fuzzers stage" $fuzz_needs
  lib="$(clang --print-runtime-dir)/libclang_rt.fuzzer-$(uname -m).a"
  [ -e "$lib" ] && return 0
  echo "dev.sh: clang's libFuzzer runtime ($lib) is not installed;" \
       "install libclang-rt-14-dev (the one matching 'clang --version')." >&2
  exit 1
}

# Stage timings, printed at the end, and also when a stage fails.
timings=""
stage=""
stage_start=0
begin() {
  stage=$1
  stage_start=$(date +%s)
  echo "== $stage"
}
end() {
  timings="$timings$(printf '  %-12s %5ss' "$stage" $(( $(date +%s) - stage_start )))
"
  stage=""
}
report() {
  status=$?
  [ -n "$timings$stage" ] || return 0
  echo "Time per stage:"
  printf '%s' "$timings"
  if [ -n "$stage" ]; then
    printf '  %-12s %5ss  FAILED\n' "$stage" $(( $(date +%s) - stage_start ))
  fi
  printf '  %-12s %5ss\n' total $(( $(date +%s) - run_start ))
  return $status
}
run_start=$(date +%s)

setup() {
  dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
}

# Each widget test starts its own X server and session bus
# (build-aux/with-display.sh, from tests/app/meson.build): no display is
# shared between tests, and none is needed from the caller.
suite() {
  meson test -C "$1" --print-errorlogs --num-processes 2 --timeout-multiplier 3
}

case "${1:-}" in
  run)
    install_packages "$run_packages"
    need "the build stage" $build_needs
    setup _build
    ninja -C _build
    if [ -x _build/src/app/strata ]; then
      # Uninstalled, the app finds its settings schema in the build folder,
      # and Convert… its Alembic render helper (run by python3 with
      # python3-alembic and python3-sqlalchemy, installed above).
      GSETTINGS_SCHEMA_DIR="$top/_build/data" \
        STRATA_ALEMBIC_RENDER="$top/data/alembic/strata-alembic-render.py" \
        exec _build/src/app/strata "$top/migrations"
    fi
    exec _build/src/cli/strata-cli -C "$top/migrations" upgrade head
    ;;
  test)
    trap report EXIT
    begin install
    install_packages "$all_packages"
    # The flatpak stage's host tools are installed and checked now, not after
    # half an hour of other stages.
    flatpak="the flatpak check was SKIPPED: it needs root (sudo build-aux/flatpak-check.sh)"
    if [ "$(id -u)" -eq 0 ]; then
      build-aux/flatpak-check.sh --prepare-host
    fi
    need "the build stage" $build_needs
    need "the suite stage" $suite_needs
    need_python
    need "the valgrind stage" $valgrind_needs
    need_fuzzer_runtime
    end

    begin build
    setup _build-ci --werror -Dbuildtype=debugoptimized
    ninja -C _build-ci
    end

    begin suite
    suite _build-ci
    end

    # The core and CLI suites under valgrind's leak check: a definite leak fails.
    begin valgrind
    meson test -C _build-ci --suite core --suite cli --print-errorlogs \
      --num-processes 2 --timeout-multiplier 20 \
      --wrapper "valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1"
    end

    # The same suite again under the sanitizers; any report fails the test.
    begin sanitizers
    setup _build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
    (
      export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
      export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
      export LSAN_OPTIONS=suppressions=$top/build-aux/lsan.supp:print_suppressions=0
      ninja -C _build-asan
      suite _build-asan
    )
    end

    # The fuzz targets, each for fuzz_seconds from its seed corpus (tests/fuzz/).
    begin fuzzers
    (export CC=clang; setup _build-fuzz -Dfuzzing=true -Dgui=false)
    ninja -C _build-fuzz
    meson test -C _build-fuzz --suite fuzz --print-errorlogs
    end

    # The flatpak, built against a runtime made from Debian's packages, installed
    # and run (build-aux/flatpak-check.sh). It needs root for debootstrap.
    if [ "$(id -u)" -eq 0 ]; then
      begin flatpak
      build-aux/flatpak-check.sh
      end
      flatpak="the flatpak installs and runs"
    fi
    echo "All tests passed, plain, under valgrind and under ASan/UBSan;" \
         "the fuzz targets found nothing; $flatpak."
    ;;
  *)
    echo "usage: $0 run | test" >&2
    exit 2
    ;;
esac
