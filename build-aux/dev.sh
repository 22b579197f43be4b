#!/bin/sh
# The two commands of the README:
#   build-aux/dev.sh run    install what is missing, build, open the example project
#   build-aux/dev.sh test   install what is missing, build with -Werror, run every test,
#                           then again under AddressSanitizer and UndefinedBehaviorSanitizer,
#                           then the libFuzzer targets (clang) for a bounded time each
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# Debian 12 / Ubuntu package names. Everything the build, the tests and the
# screenshots need; nothing installed by hand counts.
packages="meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-dev-bin libsqlite3-dev sqlite3 libjson-glib-dev
  libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev
  desktop-file-utils appstream xvfb xauth dbus dbus-x11 imagemagick
  at-spi2-core gir1.2-atspi-2.0 valgrind python3 python3-gi python3-alembic python3-sqlalchemy
  clang libclang-rt-14-dev"

install_dependencies() {
  missing=""
  for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  echo "Installing:$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}

setup() {
  dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
}

# Widget tests need a display and the app a session bus.
with_display() {
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$@"
}

run_tests() {
  dir=$1
  ninja -C "$dir"
  with_display meson test -C "$dir" --print-errorlogs --num-processes 2 --timeout-multiplier 3
}

case "${1:-}" in
  run)
    install_dependencies
    setup _build
    ninja -C _build
    if [ -x _build/src/app/strata ]; then
      # Uninstalled, the app finds its settings schema in the build folder.
      GSETTINGS_SCHEMA_DIR="$top/_build/data" exec _build/src/app/strata "$top/migrations"
    fi
    exec _build/src/cli/strata-cli -C "$top/migrations" upgrade head
    ;;
  test)
    install_dependencies
    setup _build-ci --werror -Dbuildtype=debugoptimized
    run_tests _build-ci
    # The core and CLI suites under valgrind's leak check: a definite leak fails.
    with_display meson test -C _build-ci --suite core --suite cli --print-errorlogs \
      --num-processes 2 --timeout-multiplier 20 \
      --wrapper "valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1"
    # The same suite again under the sanitizers; any report fails the test.
    setup _build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
    (
      export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
      export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
      export LSAN_OPTIONS=suppressions=$top/build-aux/lsan.supp:print_suppressions=0
      run_tests _build-asan
    )
    # The fuzz targets, each for fuzz_seconds from its seed corpus (tests/fuzz/).
    (export CC=clang; setup _build-fuzz -Dfuzzing=true -Dgui=false)
    ninja -C _build-fuzz
    meson test -C _build-fuzz --suite fuzz --print-errorlogs
    # The flatpak, built against a runtime made from Debian's packages, installed
    # and run (build-aux/flatpak-check.sh). It needs root for debootstrap.
    flatpak="the flatpak installs and runs"
    if [ "$(id -u)" -eq 0 ]; then
      build-aux/flatpak-check.sh
    else
      flatpak="the flatpak check was SKIPPED: it needs root (sudo build-aux/flatpak-check.sh)"
    fi
    echo "All tests passed, plain and under ASan/UBSan; the fuzz targets found nothing;" \
         "$flatpak."
    ;;
  *)
    echo "usage: $0 run | test" >&2
    exit 2
    ;;
esac
