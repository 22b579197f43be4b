#!/bin/sh
# strata-cli is a client of libstrata like any other: it includes strata.h
# and its own header, never a core-private one (src/core/*-private.h).
set -eu
top=$1
status=0
for header in "$top"/src/core/*-private.h "$top"/src/core/*/*-private.h; do
  name=$(basename "$header")
  if grep -n "#include \"$name\"" "$top"/src/cli/*.c "$top"/src/cli/*.h; then
    echo "not ok: src/cli includes the core-private $name (above); ask the core for a public call"
    status=1
  fi
done
[ $status -eq 0 ] && echo "ok: src/cli includes no core-private header"
exit $status
