#!/bin/sh
# with-display.sh COMMAND [ARG...]: runs COMMAND with an X server (Xvfb) and a
# D-Bus session bus of its own, then stops both. Each widget test and the
# end-to-end test run through it (tests/app/meson.build), so `meson test`
# needs no display from its caller and one test cannot take another's away.
#
# Why not `xvfb-run -a`: it picks the display number by looking for a lock file
# in this machine's /tmp, so two containers that share a network namespace
# (CI runners do) both pick :99, and clients reach whichever server holds the
# abstract socket. Clients of the other one then fail with "cannot open display".
# `Xvfb -displayfd` picks a number whose sockets it could really bind, and the
# cookie makes a wrong server refuse us instead of drawing our windows.
#
# The screen is wide enough for tests/app/test-window-size.c's 1400-pixel
# window; STRATA_TEST_SCREEN overrides it. If the server dies while COMMAND
# runs, its log is printed.
#
# Programs it calls, by Debian 12 package (build-aux/dev.sh and
# flatpak-check.sh install them): Xvfb (xvfb), xauth (xauth), dbus-daemon
# (dbus-daemon); mktemp, od, tr, head, sleep (coreutils).
set -eu

screen=${STRATA_TEST_SCREEN:-1600x1000x24}
work=$(mktemp -d "${TMPDIR:-/tmp}/strata-display.XXXXXX")
server=""
bus=""

stop() {
  if [ -n "$1" ]; then
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
# The bus first: the services it started (the accessibility bus) leave with
# it, before the X server they draw on goes away under them.
cleanup() {
  stop "$bus"
  stop "$server"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

for program in Xvfb xauth dbus-daemon; do
  command -v "$program" >/dev/null 2>&1 || {
    echo "with-display.sh: $program is not installed (apt install xvfb xauth dbus-daemon)" >&2
    exit 1
  }
done

# Waits until $2 holds a line written by process $1, or says what went wrong.
wait_for_line() {
  tries=0
  while [ ! -s "$2" ]; do
    if ! kill -0 "$1" 2>/dev/null || [ "$tries" -ge 600 ]; then
      echo "with-display.sh: $3 did not start; its log:" >&2
      cat "$4" >&2
      exit 1
    fi
    tries=$((tries + 1))
    sleep 0.05
  done
}

# -noreset: by default the server resets when its last client leaves, and a
# client that connects meanwhile can be refused. The e2e test quits the app
# and starts it again, and each test is a client that comes and goes.
#
# The server accepts every cookie in its file, whatever display it names; the
# client looks one up by display number, so its file is written once the
# number is known.
cookie=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
: >"$work/server"
: >"$work/client"
xauth -q -f "$work/server" add :0 . "$cookie"
Xvfb -displayfd 3 -auth "$work/server" -nolisten tcp -noreset -screen 0 "$screen" \
  3>"$work/number" 2>"$work/log" &
server=$!
wait_for_line "$server" "$work/number" Xvfb "$work/log"
number=$(head -n 1 "$work/number")
xauth -q -f "$work/client" add ":$number" . "$cookie"

# A session bus whose output, and that of the services it starts, stays out
# of COMMAND's: a TAP test's stdout is read line by line.
DISPLAY=":$number" XAUTHORITY="$work/client" \
  dbus-daemon --session --nofork --nopidfile --print-address=3 \
  3>"$work/bus" >"$work/bus.log" 2>&1 &
bus=$!
wait_for_line "$bus" "$work/bus" dbus-daemon "$work/bus.log"

status=0
DISPLAY=":$number" XAUTHORITY="$work/client" DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$work/bus") \
  "$@" || status=$?

if ! kill -0 "$server" 2>/dev/null; then
  echo "with-display.sh: the X server (:$number) died while the command ran; its log:" >&2
  cat "$work/log" >&2
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
